#!/usr/bin/env python3
"""How fast the ``timeline`` command starts, against Python starting and importing sqlite3.

Usage: bench/startup.py [ROUNDS]

Runs ``python -c "import sqlite3"``, a one-command click group's ``--help``
(click's own floor: ``timeline --help`` imports no command module, so it can
come no closer than this), ``timeline --help`` and two small commands on a
tiny journal (``stats``, ``events``), taking turns, ROUNDS times
(default 20), and prints each one's best wall time in seconds and its ratio to
the sqlite3 start (the best of many runs: on a shared machine noise only ever
adds time). The target is ``timeline --help`` within 3x of the sqlite3 start.
``timeline`` is the console script installed beside this Python. The starts
are warm: bytecode caches are written first, as an installed package has them
(``PYTHONDONTWRITEBYTECODE`` is dropped for the commands measured).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The smallest click program that prints a group's help, as ``timeline --help`` does.
CLICK_HELP = """
import click
@click.group()
@click.option("--journal")
def cli(journal):
    "A group."
@cli.command()
def stats():
    "A command."
cli(["--help"])
"""

ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _best(commands: dict[str, list[str]], rounds: int) -> dict[str, float]:
    """The best wall time of each command over ``rounds`` turns, after one warm-up turn."""
    for command in commands.values():
        subprocess.run(command, stdout=subprocess.DEVNULL, env=ENV, check=True)
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(rounds):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, env=ENV, check=True)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    script = str(Path(sys.executable).with_name("timeline"))
    with tempfile.TemporaryDirectory() as folder:
        journal = str(Path(folder) / "small.timeline")
        subprocess.run([script, "--journal", journal, "init"], capture_output=True, check=True)
        subprocess.run(
            [script, "--journal", journal, "add-event", "1969-03-02", "Zhenbao Island clash"],
            capture_output=True,
            check=True,
        )
        best = _best(
            {
                "sqlite3": [sys.executable, "-c", "import sqlite3"],
                "click": [sys.executable, "-c", CLICK_HELP],
                "help": [script, "--help"],
                "stats": [script, "--journal", journal, "stats"],
                "events": [script, "--journal", journal, "events"],
            },
            rounds,
        )
    for name, seconds in best.items():
        print(f"startup_{name}_s {seconds:.4f}")
    for name in ("click", "help", "stats", "events"):
        print(f"startup_{name}_ratio {best[name] / best['sqlite3']:.2f}")


if __name__ == "__main__":
    main()
