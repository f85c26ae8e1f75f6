"""The command line and the HTTP API take a question's options (name, help) from one
declaration, :data:`tradestat.options.OPTIONS` (issue 16 item 1)."""

from __future__ import annotations

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
