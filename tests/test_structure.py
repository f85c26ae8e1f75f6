"""The shape of the code, checked from its source (issue 16): folders follow the data flow
(sources -> store -> analytics -> claims/report -> cli/server), SQL is built rather than
formatted, and modules stay readable.

Each check reads ``src/tradestat`` with :mod:`ast`; nothing is imported. A failure names
the module and line to look at.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tradestat"
MAX_LINES = 600
#: The outer shells: they use every layer and no layer uses them (the CLI starts the server).
SHELLS = {"cli", "server", "__main__"}
#: SQL keywords as written in statements (upper case: prose says "from" and "select").
SQL = re.compile(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY|CREATE|COPY|INSERT|UNION|"
                 r"PRAGMA|DESCRIBE|QUALIFY|VALUES)\b")


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        yield ".".join(p for p in parts if p != "__init__"), path


def part(module: str) -> str:
    """The top-level package (or module) of ``tradestat.<module>``: 'store', 'cli', 'model'."""
    return module.split(".")[0] if module else ""


def imports(path: Path, module: str) -> Iterator[tuple[str, int]]:
    """(tradestat module imported, line) for every import in ``path``, at any depth (lazy
    imports are dependencies too), except those only for type checkers."""
    tree = ast.parse(path.read_text())
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test)
                   for stmt in node.body for n in ast.walk(stmt)}
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = _from_names(node, package)
        else:
            continue
        for name in names:
            if name.startswith("tradestat."):
                yield name.removeprefix("tradestat."), node.lineno


def _from_names(node: ast.ImportFrom, package: list[str]) -> list[str]:
    """The absolute module names ``from X import a, b`` depends on."""
    if node.level:
        base = ".".join(["tradestat", *package[:len(package) - node.level + 1], node.module or ""])
        return [base.strip(".")]
    if node.module == "tradestat":  # from tradestat import model, errors
        return [f"tradestat.{a.name}" for a in node.names]
    return [node.module or ""]


def edges() -> dict[tuple[str, str], str]:
    """(importing part, imported part) -> the first place it happens ('path:line')."""
    out: dict[tuple[str, str], str] = {}
    for module, path in modules():
        for target, line in imports(path, module):
            a, b = part(module), part(target)
            if a != b and b:
                out.setdefault((a, b), f"{path.relative_to(SRC.parent)}:{line}")
    return out


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path, or None."""
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt):], nxt] if nxt in trail else [node, nxt]
            if nxt not in state:
                found = visit(nxt, [*trail, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_cycle_between_top_level_packages() -> None:
    found = edges()
    graph: dict[str, set[str]] = {}
    for a, b in found:
        graph.setdefault(a, set()).add(b)
    loop = cycle(graph)
    where = [found[(a, b)] for a, b in itertools.pairwise(loop)] if loop else []
    assert loop is None, f"import cycle {' -> '.join(loop or [])}: {', '.join(where)}"


def test_the_layers_import_only_downwards() -> None:
    found = edges()
    wrong = {f"{a} imports {b} ({where})" for (a, b), where in found.items()
             if (b in SHELLS and a not in SHELLS)
             or (a == "analytics" and b in {"sources", "claims", "report", "demo"})
             or (a in {"store", "sources", "reference"} and b in {"analytics", "claims",
                                                                   "report", "demo"})}
    assert not wrong, "\n".join(sorted(wrong))


def test_the_checks_see_real_imports() -> None:
    """The scanner finds what the package really does (else the two tests above pass on
    nothing): the CLI uses the analytics, and the store the model."""
    found = edges()
    assert ("analytics", "store") in found and ("store", "model") in found
    assert any(a in SHELLS and b == "analytics" for a, b in found)


@pytest.mark.parametrize(("module", "path"), list(modules()), ids=lambda v: str(v))
def test_no_module_is_over_600_lines(module: str, path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(SRC.parent)}: {lines} lines"


def formatted_sql(path: Path, root: Path = SRC.parent) -> Iterator[str]:
    """Places where ``path`` puts values into SQL text by string formatting: f-strings,
    ``%``, ``+`` and ``.format`` on text that holds SQL keywords."""
    for node in ast.walk(ast.parse(path.read_text())):
        text = None
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue)
                                                   for v in node.values):
            text = "".join(v.value for v in node.values
                           if isinstance(v, ast.Constant) and isinstance(v.value, str))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
            text = " ".join(side.value for side in (node.left, node.right)
                            if isinstance(side, ast.Constant) and isinstance(side.value, str))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "format" and isinstance(node.func.value, ast.Constant)
              and isinstance(node.func.value.value, str)):
            text = node.func.value.value
        if text and SQL.search(text):
            yield f"{path.relative_to(root)}:{node.lineno}: {text.strip()[:70]!r}"


def test_sql_is_built_not_formatted() -> None:
    found = [hit for _module, path in modules() for hit in formatted_sql(path)]
    assert not found, "SQL built by string formatting:\n" + "\n".join(found)


def test_the_sql_check_finds_formatting(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('t = "x"\nq = f"SELECT * FROM {t}"\nr = "SELECT %s" % t\n'
                      'ok = f"from {t} to the end"\n')
    found = list(formatted_sql(sample, tmp_path))
    assert [hit.split(":")[1] for hit in found] == ["2", "3"]
