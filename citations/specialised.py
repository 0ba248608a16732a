"""A CSL style with its type and variable tests decided for one kind of entry.

citeproc-py walks a style's whole ``cs:choose`` tree for every entry, and most
of the conditions it evaluates ask only what type the entry is or which
variables it has (Chicago author-date: some 120 conditions an entry, 70 of them
on the type). Entries of the same type with the same variables take the same
branches of those tests, so for a bibliography with many such entries the
style's XML is copied with them decided:

- a branch whose tests cannot pass is moved behind the choice's reachable
  branches, after an empty ``cs:else``: never rendered, but still there when a
  ``cs:group`` asks whether the choice calls a variable (citeproc-py asks any
  branch), so groups are kept or dropped as before;
- a branch whose tests must pass becomes ``cs:else``, and those after it are
  never reached, as before;
- a branch with other tests too (``is-numeric``, ``position``, a ``locator``
  variable) keeps those and loses only the decided ones.

The entries rendered with the copy are the ones citeproc-py renders with the
style (a test compares every entry of the seed data in every shipped style).
"""

from __future__ import annotations

from collections.abc import Set

from lxml import etree

__all__ = ["specialise"]

_CSL = "{http://purl.org/net/xbiblio/csl}"
_BRANCHES = (f"{_CSL}if", f"{_CSL}else-if")
#: Tests that depend on more than the entry's type and variables: left to citeproc-py.
_OTHER_TESTS = ("is-numeric", "is-uncertain-date", "locator", "position")


def specialise(source: bytes, kind: str, variables: Set[str]) -> bytes:
    """The style ``source`` (CSL XML) with the tests on the type and variables decided for
    an entry of type ``kind`` having ``variables`` (citeproc-py's names: ``container_title``)."""
    root = etree.fromstring(source, etree.XMLParser(no_network=True, resolve_entities=False))
    for choose in list(root.iter(f"{_CSL}choose")):
        _decide(choose, kind, variables)
    return bytes(etree.tostring(root))


def _decide(choose: etree._Element, kind: str, variables: Set[str]) -> None:
    reachable: list[etree._Element] = []
    unreachable: list[etree._Element] = []
    ended = False
    for branch in choose:
        if not isinstance(branch.tag, str):
            continue
        if ended:
            unreachable.append(branch)
            continue
        passes = _passes(branch, kind, variables) if branch.tag in _BRANCHES else True
        if passes is False:
            unreachable.append(branch)
            continue
        if passes is True and branch.tag != f"{_CSL}else":
            branch.tag = f"{_CSL}else"
            for name in ("type", "variable", "match"):
                branch.attrib.pop(name, None)
        reachable.append(branch)
        ended = passes is True
    if not unreachable:
        return
    for branch in reachable + unreachable:
        choose.remove(branch)
    if not ended:
        reachable.append(etree.Element(f"{_CSL}else"))
    choose.extend(reachable + unreachable)


def _passes(branch: etree._Element, kind: str, variables: Set[str]) -> bool | None:
    """Whether ``branch``'s tests pass (True, False), or None when other tests decide;
    those keep their attributes and the decided ones are dropped."""
    types = (branch.get("type") or "").split()
    named = [name.replace("-", "_") for name in (branch.get("variable") or "").split()]
    known = [name.lower() == kind for name in types]
    known += [name in variables for name in named if name != "locator"]
    if not known:
        return None
    match: str = branch.get("match") or "all"
    others = "locator" in named or any(name in branch.attrib for name in _OTHER_TESTS)
    if match == "any":
        decided = True if any(known) else None
    elif match == "none":
        decided = False if any(known) else None
    else:
        decided = False if not all(known) else None
    if decided is not None:
        return decided
    if not others:
        return match != "any"  # "any" of none passed; "all" and "none" hold
    branch.attrib.pop("type", None)
    if "locator" in named:
        branch.set("variable", "locator")
    else:
        branch.attrib.pop("variable", None)
    return None
