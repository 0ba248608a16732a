"""Write docs/reference/cli.md from the ``--help`` of every ``timeline`` command.

Run ``python docs/gen_cli_reference.py`` after changing the command line;
tests/test_docs.py fails while the page is out of date.
"""

from __future__ import annotations

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
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        assert command is not None, name
        parts += [
            f"## timeline {name}\n",
            "```text",
            _help(command, name, root),
            "```\n",
        ]
    return "\n".join(parts)


def main() -> None:
    """Write the page (tests/test_docs.py checks that it is current)."""
    PAGE.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
