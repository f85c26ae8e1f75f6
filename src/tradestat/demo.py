"""Placeholder replaced by the generator (see issue 2, item 8)."""
