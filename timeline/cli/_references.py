"""Commands on references and citations: references, reference, amend-reference,
merge-references, cite, uncite, events-citing, unsourced, duplicates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import click

from timeline.cli._app import Writes, cli, open_timeline
from timeline.cli._claims import claim_options, read_assignments
from timeline.cli._output import echo_json, print_events, print_table, visible

if TYPE_CHECKING:
    from citations import Reference


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.option("--locator", default="", help='Where in the work: "p. 104", "fn. 12", "§2".')
@click.option("--quote", default="", help="A short quote in the original language.")
@click.option("--supports", multiple=True, help="An event field the source supports (repeat).")
@click.option(
    "--claim",
    "claims",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A value the source gives: when=1969-03-15, place=..., _casualties=31 (repeat).",
)
@claim_options
@click.option("--reason", default="", help="Why the citation is added.")
def cite(
    event_id: str,
    key: str,
    locator: str,
    quote: str,
    supports: tuple[str, ...],
    claims: tuple[str, ...],
    stance: str,
    rank: str,
    lang: str,
    calendar: str,
    reason: str,
) -> None:
    """Each --claim is recorded with the citation (all or nothing) and never
    changes the event's own fields: see `timeline evidence` and `timeline disputes`.
    """
    claimed = read_assignments(claims)
    with open_timeline() as timeline:
        citation = timeline.cite(
            event_id,
            key,
            locator=locator,
            quote=quote,
            supports=supports,
            claims=claimed,
            stance=stance,
            rank=rank,
            lang=lang,
            calendar=calendar,
            reason=reason,
        )
    where = f" at {citation.locator}" if citation.locator else ""
    click.echo(f"{event_id} cites {key}{where}")


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.option("--locator", default="", help="The locator of the citation to remove.")
@click.option("--reason", required=True, help="Why the citation is removed.")
def uncite(event_id: str, key: str, locator: str, reason: str) -> None:
    with open_timeline() as timeline:
        timeline.uncite(event_id, key, locator=locator, reason=reason)
    click.echo(f"{event_id} no longer cites {key}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def duplicates(as_json: bool) -> None:
    from citations.duplicates import find_duplicates

    with open_timeline() as timeline:
        matches = find_duplicates(timeline.references())
    if as_json:
        echo_json([{"a": m.a.key, "b": m.b.key, "reasons": list(m.reasons)} for m in matches])
        return
    print_table(
        ("key", "looks like", "because"),
        ((m.a.key, m.b.key, "; ".join(m.reasons)) for m in matches),
    )


@cli.command("events-citing")
@click.argument("key")
@click.option("--lang", default="en", show_default=True, help="Language of the titles.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def events_citing(key: str, lang: str, as_json: bool) -> None:
    with open_timeline() as timeline:
        print_events(timeline, timeline.events_citing(key), as_json, lang)


@cli.command()
@click.option("--lang", default="en", show_default=True, help="Language of the titles.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def unsourced(lang: str, as_json: bool) -> None:
    with open_timeline() as timeline:
        print_events(timeline, timeline.unsourced(), as_json, lang)


def _reference_json(reference: Reference, merged: bool) -> dict[str, Any]:
    from timeline.domain import encode_reference

    return {**encode_reference(reference), "merged": merged}


def _reference_rows(references: Iterable[Reference], merged: set[str]) -> Iterator[tuple[str, ...]]:
    for reference in references:
        names = "; ".join(str(person) for person in reference.contributors)
        title = dict(reference.fields).get("title", "")
        flag = " (merged)" if reference.key in merged else ""
        yield reference.key + flag, reference.entry_type, names, title


@cli.command()
@click.option("--include-merged", is_flag=True, help="Keep references merged into others too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def references(include_merged: bool, as_json: bool) -> None:
    with open_timeline() as timeline:
        every = timeline.references(include_merged=include_merged)
        kept = {ref.key for ref in timeline.references()} if include_merged else None
    merged = {ref.key for ref in every} - kept if kept is not None else set()
    if as_json:
        echo_json([_reference_json(ref, ref.key in merged) for ref in every])
        return
    print_table(("key", "type", "contributors", "title"), _reference_rows(every, merged))


@cli.command()
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def reference(key: str, as_json: bool) -> None:
    with open_timeline() as timeline:
        found = timeline.reference(key)
        into = timeline.merged_into(key)
    if as_json:
        echo_json(_reference_json(found, into is not None))
        return
    head = f"{found.key}  (merged into {into})" if into else found.key
    lines = [head, f"  type:       {found.entry_type}"]
    for person in found.contributors:
        lines.append(f"  {person.role.value + ':':<11} {person}")
    if found.language:
        lines.append(f"  language:   {found.language}")
    for name, value in found.fields:
        lines.append(f"  {name + ':':<11} {value}")
    click.echo("\n".join(visible(line) for line in lines))


def _field_option(value: str) -> tuple[str, str]:
    name, equals, text = value.partition("=")
    if not equals or not name.strip():
        raise click.BadParameter(f"{value!r}: give NAME=VALUE, e.g. title=China and Russia")
    return name.strip().lower(), text.strip()


@cli.command("amend-reference", cls=Writes)
@click.argument("key")
@click.option("--reason", required=True, help="Why the reference changes (kept in the journal).")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Set a field (repeat).")
@click.option("--unset", "unsets", multiple=True, metavar="NAME", help="Remove a field (repeat).")
@click.option("--type", "entry_type", help="The corrected entry type (book, article, ...).")
@click.option("--language", help="The corrected language (a BCP 47 tag: en, zh, ru).")
@click.option(
    "--from",
    "source",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="Replace the content by the entry with key KEY in FILE (.bib, CSL-JSON .json, .ris).",
)
def amend_reference(
    key: str,
    reason: str,
    sets: tuple[str, ...],
    unsets: tuple[str, ...],
    entry_type: str | None,
    language: str | None,
    source: str | None,
) -> None:
    """Nothing is written when the content is unchanged."""
    import attrs

    if not (sets or unsets or entry_type or language is not None or source):
        raise click.UsageError("say what to change, e.g. --set title=...")
    with open_timeline() as timeline:
        current = timeline.reference(key)
        new = _reference_in(source, key) if source else current
        fields = dict(new.fields)
        fields.update(_field_option(value) for value in sets)
        for name in unsets:
            if fields.pop(name.strip().lower(), None) is None:
                raise click.BadParameter(
                    f"reference {key!r} has no field {name!r}", param_hint="'--unset'"
                )
        new = attrs.evolve(
            new,
            entry_type=entry_type or new.entry_type,
            fields=fields,
            language=new.language if language is None else language,
        )
        before = timeline.head().seq
        timeline.amend_reference(new, reason=reason)
        changed = timeline.head().seq != before
    click.echo(f"amended {key}" if changed else f"{key} unchanged")


def _reference_in(source: str, key: str) -> Reference:
    """The reference with ``key`` in a reference file."""
    from pathlib import Path

    from timeline.errors import ImportFailed
    from timeline.importing import REFERENCE_FORMATS, read_import

    path = Path(source)
    if path.suffix.lower() not in REFERENCE_FORMATS:
        known = ", ".join(sorted(REFERENCE_FORMATS))
        raise ImportFailed(f"{path}: not a reference file; use one of {known}")
    found = [ref for ref in read_import([path]).references if ref.key == key]
    if not found:
        raise ImportFailed(f"{path}: no entry with key {key!r}")
    return found[0]


@cli.command("merge-references", cls=Writes)
@click.argument("key")
@click.argument("into")
@click.option("--reason", required=True, help="Why KEY is a duplicate of INTO.")
def merge_references(key: str, into: str, reason: str) -> None:
    with open_timeline() as timeline:
        timeline.merge_references(key, into, reason=reason)
    click.echo(f"merged {key} into {into}")
