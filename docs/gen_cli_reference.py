"""Write docs/reference/cli.md from the ``--help`` of every ``timeline`` command.

Run ``python docs/gen_cli_reference.py`` after changing the command line;
``--check`` exits with 1 when the page is out of date (a test does the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from timeline.cli import cli

PAGE = Path(__file__).parent / "reference" / "cli.md"

INTRO = """\
# Command line reference

Generated from `timeline --help` by `docs/gen_cli_reference.py`; do not edit by hand.

Every command takes the global options before its name:
`timeline [--journal PATH] [--as-of MOMENT] [--author NAME] COMMAND ...`.
Errors are printed to stderr as one line starting with `error:` and the exit
code is 1 (2 for a usage error such as an unknown option).
"""


def _help(command: click.Command, name: str, parent: click.Context | None) -> str:
    ctx = click.Context(
        command,
        info_name=name,
        parent=parent,
        terminal_width=88,
        max_content_width=88,
        help_option_names=["-h", "--help"],
    )
    return command.get_help(ctx)


def render() -> str:
    """The reference page as Markdown."""
    root = click.Context(
        cli,
        info_name="timeline",
        terminal_width=88,
        max_content_width=88,
        help_option_names=["-h", "--help"],
    )
    parts = [INTRO, "## timeline\n", "```text", _help(cli, "timeline", None), "```\n"]
    for name in sorted(cli.commands):
        parts += [
            f"## timeline {name}\n",
            "```text",
            _help(cli.commands[name], name, root),
            "```\n",
        ]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    """Write the page, or with ``--check`` report whether it is current."""
    text = render()
    if "--check" in argv:
        if PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is out of date: run python docs/gen_cli_reference.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
