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
        Setting("spark_driver_memory", str, lambda: "1g", "TRADESTAT_SPARK_DRIVER_MEMORY",
                "Memory of the local Spark driver (read once, before the session starts)."),
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
