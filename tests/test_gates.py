"""The CI gates: ``.ci/run`` runs README's test command verbatim, and that command holds
every gate (lint, format, types, tests with branch coverage at the gated level)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the gates README's test command must hold, in this order
GATES = ("ruff check .", "ruff format --check .", "mypy", "python -m pytest -n 2 --cov")


def readme_test_command() -> str:
    """The one command line of README's block that installs the test extras."""
    blocks = re.findall(
        r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S
    )
    (command,) = [b.strip() for b in blocks if "'.[test]'" in b]
    return command


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    """The last command of ``.ci/run`` is README's test command, character for character."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == readme_test_command()


def test_the_test_command_holds_every_gate() -> None:
    """Lint, format check, types and the covered test run, chained with ``&&``."""
    steps = [step.strip() for step in readme_test_command().split("&&")]
    assert steps[1:] == list(GATES)


def test_coverage_is_gated_with_branches_at_the_level_measured() -> None:
    """Branch coverage is on and ``--cov`` fails the run below the level measured when the
    gate was set (93 % of lines and branches together, 95.1 % of lines)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    coverage = config["tool"]["coverage"]
    assert coverage["run"]["branch"] is True
    assert coverage["report"]["fail_under"] >= 93


def test_the_tree_is_formatted() -> None:
    """``ruff format --check .`` passes, so a plain pytest run sees the format gate too."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
