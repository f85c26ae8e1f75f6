"""The command line and the HTTP API take a question's options (name, help) from one
declaration, :data:`tradestat.options.OPTIONS` (issue 16 item 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tradestat.options import OPTIONS


def test_the_cli_and_the_api_take_their_options_from_one_declaration() -> None:
    from typer.main import get_command

    from tradestat.cli import app
    from tradestat.server import create_app

    figure = get_command(app).commands["figure"]
    cli_help = {p.name: p.help for p in figure.params}
    spec = create_app("/nonexistent").openapi()["paths"]["/api/figure"]["get"]["parameters"]
    api_help = {p["name"]: p["description"] for p in spec}
    for name in ("reporter", "flow", "period", "product", "basket", "partner", "currency",
                 "as_of", "source"):
        assert cli_help[name] == api_help[name] == OPTIONS[name].help


def _run(*args: str) -> subprocess.CompletedProcess:
    """``tradestat ARGS`` in a fresh process, which then says whether Pydantic was loaded."""
    code = ("import sys\nfrom tradestat.cli import main\nsys.argv = ['tradestat', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "print('pydantic' in sys.modules, file=sys.stderr)\nsys.exit(code)")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "TRADESTAT_STORE"})


def test_options_are_read_without_pydantic(store, annual) -> None:
    """Typer would build a Pydantic adapter per option (start-up); cli/values.py reads
    them, with the same result: the figure's value is pandas' (the Comtrade file)."""
    done = _run("figure", "--reporter", "China", "--flow", "export", "--product", "8542",
                "--period", "2024", "--store", str(store.root), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("False")
    chn = annual[(annual["reporter"] == "CHN") & (annual["period"] == 2024)]["value"].sum()
    assert json.loads(done.stdout)["value"] == pytest.approx(chn, rel=1e-9)


@pytest.mark.parametrize(("value", "said"), [("0", "0 is below the smallest allowed, 1"),
                                             ("x", "'x' is not a whole number")])
def test_option_bounds_still_hold(store, value: str, said: str) -> None:
    done = _run("top", "--reporter", "CHN", "--flow", "export", "--period", "2023",
                "--top", value, "--store", str(store.root))
    assert done.returncode == 1
    assert f"error: Invalid value for '--top': {said}" in done.stderr
