"""The API's JSON: what ``--json`` prints (dates and paths as text), compact, UTF-8."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse


class JSONDoc(JSONResponse):
    """A JSON response that writes dates, paths and decimals as text (as the CLI does) and
    refuses NaN/Infinity, which are not JSON."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, default=str, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")
