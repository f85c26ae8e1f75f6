"""Settings declared once: name, type, default, environment variable and help.

The CLI, the server and the library all read settings through :func:`get`, so a setting's
default and its environment variable are defined here and nowhere else.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs


@dataclass(frozen=True)
class Setting:
    name: str
    type: Callable[[str], Any]
    default: Callable[[], Any]
    env: str
    help: str


def _default_store() -> Path:
    return Path(platformdirs.user_data_dir("tradestat")) / "store"


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> float:
    """Seconds in '90', '90s', '15m', '6h' or '1d' (0 turns a cache off).

    >>> duration("1d"), duration("15m"), duration("30")
    (86400.0, 900.0, 30.0)
    """
    raw = str(text).strip().lower()
    unit = _UNITS.get(raw[-1:])
    number = raw[:-1] if unit else raw
    try:
        seconds = float(number) * (unit or 1)
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (e.g. 3600, 90s, 15m, 6h, 1d)") from None
    if seconds < 0 or seconds != seconds:
        raise ValueError(f"not a duration: {text!r} (must be 0 or more)")
    return seconds


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("store", Path, _default_store, "TRADESTAT_STORE",
                "Directory of the trade store (created on first ingest)."),
        Setting("max_problems", int, lambda: 10, "TRADESTAT_MAX_PROBLEMS",
                "How many problems a rejected ingest lists before counting the rest."),
        Setting("spark_master", str, lambda: "local[2]", "TRADESTAT_SPARK_MASTER",
                "Spark master for --engine spark (local[N] runs Spark inside this process)."),
        Setting("spark_remote", str, lambda: None, "TRADESTAT_SPARK_REMOTE",
                "Spark Connect URL (sc://host:15002); when set, --engine spark uses that "
                "server instead of starting Spark locally."),
        Setting("spark_connect_timeout", duration, lambda: 30.0,
                "TRADESTAT_SPARK_CONNECT_TIMEOUT",
                "Longest --engine spark keeps trying to reach its Spark Connect server (on "
                "connecting, or when the server goes away during a query) before giving up "
                "with an error: seconds or 90s, 2m (default 30 s)."),
        Setting("spark_driver_memory", str, lambda: "1g", "TRADESTAT_SPARK_DRIVER_MEMORY",
                "Memory of the local Spark driver (read once, before the session starts)."),
        # The key's variable is the one UN Comtrade's own documentation and clients use.
        Setting("comtrade_api_key", str, lambda: None, "COMTRADE_API_KEY",
                "UN Comtrade subscription key: with it `fetch comtrade` uses the authenticated "
                "endpoint (100,000 rows a request); without it, the public preview (500)."),
        Setting("comtrade_url", str, lambda: "https://comtradeapi.un.org",
                "TRADESTAT_COMTRADE_URL", "Base URL of the UN Comtrade API."),
        Setting("comtrade_cache_max_age", duration, lambda: 86400.0,
                "TRADESTAT_COMTRADE_CACHE_MAX_AGE",
                "How long a cached Comtrade response is reused: seconds or 90s, 15m, 6h, 1d "
                "(default 1d; 0 turns the cache off)."),
        # The server is read-only unless a token is set; ingest endpoints then require it.
        Setting("server_token", str, lambda: None, "TRADESTAT_SERVER_TOKEN",
                "Bearer token of `tradestat serve`: when set, the ingest endpoints exist and "
                "require it (Authorization: Bearer TOKEN); unset, the server is read-only."),
        Setting("server_time_limit", duration, lambda: 10.0, "TRADESTAT_SERVER_TIME_LIMIT",
                "Longest a server query may run before it is interrupted (answered 504)."),
        Setting("server_max_rows", int, lambda: 1000, "TRADESTAT_SERVER_MAX_ROWS",
                "Most rows (ranking rows, series points, ...) one server answer returns; "
                "longer answers are cut and say so (truncated: true)."),
    )
}


def get(name: str, override: Any = None) -> Any:
    """The value of setting ``name``: an explicit override, else its env var, else default."""
    setting = SETTINGS[name]
    if override is not None:
        return setting.type(override) if isinstance(override, str) else override
    raw = os.environ.get(setting.env)
    if raw not in (None, ""):
        return setting.type(raw)
    return setting.default()
