"""Checks on one reference, returned as data: :class:`ValidationProblem` values.

:func:`validate` checks the fields biblatex requires for the entry type
(:data:`citations.entrytypes.REQUIRED_FIELDS`), fields the type does not
accept, ISBN and ISSN checksums, DOI and URL shape, page ranges, years,
months and dates, and balanced braces in every value and name. It never
prints and never raises for a bad reference.
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

import attrs

from citations.duplicates import isbn_checksum_ok, normalize_doi
from citations.entrytypes import BIBLATEX_TYPES, NAME_FIELDS, allowed_fields, missing_fields
from citations.model import Reference

__all__ = ["ValidationProblem", "validate"]

Severity = Literal["error", "warning"]


class _Add(Protocol):
    def __call__(self, field: str, message: str, severity: Severity = "error") -> None: ...


@attrs.frozen
class ValidationProblem:
    """What is wrong with reference ``key``, in ``field`` (empty for the entry as a whole)."""

    key: str
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"entry {self.key!r}" + (f", field {self.field!r}" if self.field else "")
        return f"{where}: {self.message}"


_PAGE = r"[A-Za-z]{0,3}-?\d+[A-Za-z]?|[ivxlcdmIVXLCDM]+"
_PAGE_RANGE = re.compile(rf"^(?:{_PAGE})(?:\s*(?:--|-|–)\s*(?:{_PAGE}))?\+?$")
_YEAR = re.compile(r"^-?\d{1,4}$")
_EDTF_DAY = r"(?:-?\d{4}|\d{2}XX|\d{3}X)(?:-(?:\d{2}|XX)(?:-(?:\d{2}|XX))?)?(?:T[\d:]+Z?)?[?~%]?"
_EDTF = re.compile(rf"^(?:{_EDTF_DAY}|\.\.)?(?:/(?:{_EDTF_DAY}|\.\.)?)?$")
_ISSN = re.compile(r"^(\d{4})-?(\d{3}[\dXx])$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _balanced(value: str) -> bool:
    depth = 0
    for index, char in enumerate(value):
        if char == "{" and (index == 0 or value[index - 1] != "\\"):
            depth += 1
        elif char == "}" and (index == 0 or value[index - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _issn_ok(value: str) -> bool:
    match = _ISSN.match(value.strip())
    if match is None:
        return False
    digits = (match.group(1) + match.group(2)).upper()
    total = sum((8 - i) * int(d) for i, d in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def _pages_problem(value: str) -> str | None:
    for part in re.split(r"\s*[,;]\s*", value.strip()):
        if not _PAGE_RANGE.match(part):
            return f"page range {part!r} is not 'first--last' or a single page"
        numbers = [int(n) for n in re.findall(r"\d+", part)]
        ends = re.split(r"\s*(?:--|-|–)\s*", part)
        digits = len(ends) == 2 and len(numbers) == 2 and all(e.isdecimal() for e in ends)
        if digits and numbers[0] > numbers[1]:
            return f"page range {part!r} ends before it starts"
    return None


def _date_problem(value: str) -> str | None:
    if not _EDTF.match(value):
        return f"date {value!r} is not an ISO 8601 / EDTF date (YYYY, YYYY-MM-DD, ranges with /)"
    for month, day in re.findall(r"\d{4}-(\d{2})(?:-(\d{2}))?", value):
        if not 1 <= int(month) <= 12 and not 21 <= int(month) <= 41:
            return f"date {value!r} has month {month}"
        if day and not 1 <= int(day) <= 31:
            return f"date {value!r} has day {day}"
    return None


def validate(ref: Reference) -> tuple[ValidationProblem, ...]:
    """Every problem found in ``ref``, errors and warnings, in a stable order."""
    problems: list[ValidationProblem] = []

    def add(field: str, message: str, severity: Severity = "error") -> None:
        problems.append(ValidationProblem(ref.key, field, message, severity))

    present = {name for name, _ in ref.fields} | {person.role.value for person in ref.contributors}
    if ref.entry_type not in BIBLATEX_TYPES:
        add("", f"entry type {ref.entry_type!r} is not a biblatex type", "warning")
    else:
        for need in missing_fields(ref.entry_type, present):
            add(need[0], "missing required field " + " or ".join(repr(name) for name in need))
        allowed = allowed_fields(ref.entry_type)
        for name, _ in ref.fields:
            if name not in allowed and name not in NAME_FIELDS:
                add(name, f"field {name!r} is not part of @{ref.entry_type}", "warning")
    for name, value in ref.fields:
        if not _balanced(value):
            add(name, f"unbalanced braces in {value!r}")
    for person in ref.contributors:
        for part in (person.family, person.given, person.particle, person.suffix, person.literal):
            if not _balanced(part):
                add(person.role.value, f"unbalanced braces in name part {part!r}")
    _check_values(ref, add)
    if ref.language and not _LANGUAGE.match(ref.language):
        add("langid", f"language {ref.language!r} is not a BCP 47 tag", "warning")
    return tuple(problems)


def _check_values(ref: Reference, add: _Add) -> None:
    fields = ref.field_map
    isbn = fields.get("isbn")
    if isbn is not None:
        for part in re.split(r"\s*[;,]\s*", isbn.strip()):
            digits = re.sub(r"^isbn(?:-1[03])?:?|[\s\-]", "", part, flags=re.IGNORECASE)
            if not isbn_checksum_ok(digits.upper()):
                add("isbn", f"ISBN {part!r} has a wrong length or check digit")
    issn = fields.get("issn")
    if issn is not None:
        for part in re.split(r"\s*[;,]\s*", issn.strip()):
            if not _issn_ok(part):
                add("issn", f"ISSN {part!r} has a wrong form or check digit")
    doi = fields.get("doi")
    if doi is not None and normalize_doi(doi) is None:
        add("doi", f"DOI {doi!r} does not look like 10.NNNN/suffix")
    url = fields.get("url")
    if url is not None and (not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or " " in url.strip()):
        add("url", f"URL {url!r} needs a scheme (https:) and no spaces")
    pages = fields.get("pages")
    if pages is not None:
        message = _pages_problem(pages)
        if message:
            add("pages", message, "error" if "ends before" in message else "warning")
    year = fields.get("year")
    if year is not None and not _YEAR.match(year.strip()):
        add("year", f"year {year!r} is not a number", "warning")
    month = fields.get("month")
    if month is not None and not (month.isdecimal() and 1 <= int(month) <= 12):
        add("month", f"month {month!r} is not 1 to 12")
    for name in ("date", "urldate", "eventdate", "origdate"):
        value = fields.get(name)
        if value is not None:
            message = _date_problem(value.strip())
            if message:
                add(name, message)
