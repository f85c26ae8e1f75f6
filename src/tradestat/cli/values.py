"""Option values read without Pydantic (start-up, issue 16 item 7).

Typer 0.2x coerces every parameter of the command being run through a Pydantic
``TypeAdapter``: importing Pydantic and building the adapters costs a ``tradestat figure``
more than DuckDB's whole start (``benchmarks/startup.py``). The command line's parameters
are text, flags, whole numbers (with bounds), paths and lists of these; :func:`install` has
them read here as Typer reads them (the same checks, the same one-line usage error), and
leaves every other parameter to Typer. With another Typer, whose internals differ, it does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin


def install() -> None:
    """Have Typer read str, bool, int and Path parameters (and lists of them) here."""
    try:
        from typer import core
        from typer._click.exceptions import BadParameter
        from typer._coercion import RuntimeParam
        from typer._param_types import coerce_cli_path, routes_to_path
    except ImportError:  # pragma: no cover  (another Typer: its own reading stands)
        return
    typers_own = getattr(core, "build_runtime_param", None)
    if typers_own is None or getattr(typers_own, "plain", False):
        return

    @dataclass(frozen=True)
    class Plain(RuntimeParam):
        read: Callable[[Any, Any, Any], Any]
        many: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    return [self.read(v, param, ctx) for v in value]
                return self.read(value, param, ctx)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None

    def build(descriptor: Any) -> Any:
        ann, info = descriptor.annotation, descriptor.parameter_info
        many = get_origin(ann) is list
        read = None if descriptor.file_annotation is not None or info.parser is not None \
            else _reader(get_args(ann)[0] if many else ann, info, coerce_cli_path,
                         routes_to_path)
        if read is None:
            return typers_own(descriptor)
        return Plain(annotation=ann, parameter_info=info, read=read, many=many)

    build.plain = True  # type: ignore[attr-defined]
    core.build_runtime_param = build


def _reader(leaf: Any, info: Any, coerce: Callable[..., Any],
            is_path: Callable[[Any, Any], bool]) -> Callable[[Any, Any, Any], Any] | None:
    """How a value of type ``leaf`` is read here (None: by Typer)."""
    if leaf is str:
        return _text
    if leaf is bool:
        return _flag
    if leaf is int and not info.clamp:
        return _whole(info.min, info.max)
    if leaf is Path and info.path_type in (None, Path) and is_path(leaf, info):
        return _path(coerce, info)
    return None


def _text(value: Any, _param: Any, _ctx: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _flag(value: Any, _param: Any, _ctx: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "t", "yes", "y", "on"):
        return True
    if word in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError(f"{value!r} is not a valid boolean")


def _whole(low: float | None, high: float | None) -> Callable[[Any, Any, Any], int]:
    def read(value: Any, _param: Any, _ctx: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
        if low is not None and number < low:
            raise ValueError(f"{number} is below the smallest allowed, {low:g}")
        if high is not None and number > high:
            raise ValueError(f"{number} is above the largest allowed, {high:g}")
        return number
    return read


def _path(coerce: Callable[..., Any], info: Any) -> Callable[[Any, Any, Any], Any]:
    def read(value: Any, param: Any, ctx: Any) -> Any:
        # given a Path, Typer's own checks (exists, dir_okay …) need no Pydantic either
        return coerce(Path(value), info, path_type=Path, param=param, ctx=ctx)
    return read
