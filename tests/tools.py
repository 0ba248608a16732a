"""Real command-line tools for tests: skip outside CI when missing, fail under CI."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest

__all__ = ["HANG", "biber_reading", "build_bibliography", "in_ci", "require_tool", "run_tool"]

#: The longest a test waits for a tool or a child process: far above any run, it only
#: turns a hang into a failure. No test waits for time to pass.
HANG = 600.0


def in_ci() -> bool:
    """True when the tests run under CI (environment variable ``CI=true``)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str) -> str:
    """The path of the executable ``name``.

    Outside CI a missing tool skips the calling test with a reason; under CI
    (``CI=true``) it fails the test, since ``.ci/run`` installs every tool.
    """
    path = shutil.which(name)
    if path is not None:
        return path
    reason = f"the {name!r} executable is not on PATH"
    if in_ci():
        pytest.fail(f"{reason}, but CI=true: .ci/run should have installed it")
    pytest.skip(reason)


def run_tool(args: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    """Run a tool in ``cwd``, its output captured as text; its exit code is the caller's."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=HANG, check=False)


def build_bibliography(cwd: pathlib.Path, preamble: str, bibliography: str) -> str:
    """Build ``cwd/doc.tex`` with ``latexmk -xelatex``: an article whose ``preamble``
    loads the bibliography package and whose body cites every entry and prints them
    with ``bibliography``; returns the LaTeX log. The build must succeed."""
    latexmk = require_tool("latexmk")
    require_tool("xelatex")
    (cwd / "doc.tex").write_text(
        f"\\documentclass{{article}}{preamble}\n"
        f"\\begin{{document}}\\nocite{{*}}{bibliography}\\end{{document}}\n",
        "utf-8",
    )
    build = run_tool(
        [latexmk, "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "doc"], cwd
    )
    assert build.returncode == 0, build.stdout[-3000:]
    return (cwd / "doc.log").read_text("utf-8", errors="replace")


_ENTRY = re.compile(r"@(\w+)\{(.+),")
_FIELD = re.compile(r"  ([^\s=]+) = (.+),")
_STRING = re.compile(r'@STRING\{(\S+) = "(.*)"\}')


def biber_reading(
    text: str, tmp_path: pathlib.Path, name: str, *options: str
) -> dict[str, dict[str, str]]:
    """biber --tool's reading of ``text``: entry key -> field -> value (``@type`` the type).

    It runs in the new directory ``tmp_path / name`` with ``options`` added
    (``--output-resolve-xdata``). biber writes one field a line, ``@STRING``
    macros for the values it kept as macros and ``#`` between parts: macros are
    expanded and parts joined here.
    """
    biber = require_tool("biber")
    work = tmp_path / name
    work.mkdir()
    (work / "in.bib").write_text(text, "utf-8")
    run = subprocess.run(
        [biber, "--tool", *options, "--output-file=out.bib", "in.bib"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    macros: dict[str, str] = {}
    entries: dict[str, dict[str, str]] = {}
    entry: dict[str, str] | None = None
    comment = 0  # the brace depth inside an @COMMENT block
    for line in (work / "out.bib").read_text("utf-8").split("\n"):
        if comment or line.startswith("@COMMENT{"):
            comment += line.count("{") - line.count("}")
        elif entry is None:
            if match := _STRING.fullmatch(line):
                macros[match[1].lower()] = match[2]
            elif match := _ENTRY.fullmatch(line):
                entry = entries[match[2]] = {"@type": match[1].lower()}
            else:
                assert not line.strip(), f"biber's output: unexpected line {line!r}"
        elif line == "}":
            entry = None
        else:
            match = _FIELD.fullmatch(line)
            assert match is not None, f"biber's output: unexpected line {line!r}"
            entry[match[1].lower()] = "".join(_value_parts(match[2], macros))
    return entries


def _value_parts(value: str, macros: dict[str, str]) -> Iterator[str]:
    """The parts of a ``{a} # macro # "b"`` value, macros expanded."""
    at = 0
    while at < len(value):
        if value[at] in '{"':
            closing = _closing(value, at)
            yield value[at + 1 : closing]
            at = closing + 1
        else:
            end = value.find(" # ", at)
            end = len(value) if end < 0 else end
            word = value[at:end]
            yield macros.get(word.lower(), word)
            at = end
        if value.startswith(" # ", at):
            at += 3


def _closing(value: str, start: int) -> int:
    if value[start] == '"':
        return value.index('"', start + 1)
    depth = 0
    for at in range(start, len(value)):
        depth += {"{": 1, "}": -1}.get(value[at], 0)
        if depth == 0:
            return at
    raise AssertionError(f"biber's output: unbalanced value {value!r}")
