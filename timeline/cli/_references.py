"""Commands on references and citations: cite, uncite, duplicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from timeline.cli._app import Writes, cli, open_timeline
from timeline.cli._output import echo_json, print_table

if TYPE_CHECKING:
    pass


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.option("--locator", default="", help='Where in the work: "p. 104", "fn. 12", "§2".')
@click.option("--quote", default="", help="A short quote in the original language.")
@click.option("--supports", multiple=True, help="An event field the source supports (repeat).")
@click.option("--reason", default="", help="Why the citation is added.")
def cite(
    event_id: str,
    key: str,
    locator: str,
    quote: str,
    supports: tuple[str, ...],
    reason: str,
) -> None:
    """Cite reference KEY from event ID, with an optional locator."""
    with open_timeline() as timeline:
        citation = timeline.cite(
            event_id, key, locator=locator, quote=quote, supports=supports, reason=reason
        )
    where = f" at {citation.locator}" if citation.locator else ""
    click.echo(f"{event_id} cites {key}{where}")


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.option("--locator", default="", help="The locator of the citation to remove.")
@click.option("--reason", required=True, help="Why the citation is removed.")
def uncite(event_id: str, key: str, locator: str, reason: str) -> None:
    """Remove the citation of KEY (at --locator) from event ID."""
    with open_timeline() as timeline:
        timeline.uncite(event_id, key, locator=locator, reason=reason)
    click.echo(f"{event_id} no longer cites {key}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def duplicates(as_json: bool) -> None:
    """List pairs of references that look like the same work, with the reasons."""
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
