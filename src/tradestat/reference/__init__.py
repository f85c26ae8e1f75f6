"""Reference data: countries and areas (more tables join as the project grows)."""
