"""Commands on what sources claim: claim, revise-claim, withdraw-claim, follow, claims-of,
evidence, disputes (and the claim options of cite)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from timeline.cli._app import Writes, cli, open_timeline
from timeline.cli._filters import filter_options, read_filters
from timeline.cli._output import echo_json, print_table

if TYPE_CHECKING:
    from timeline.application import Dispute
    from timeline.domain import Citation, Claim, Evidence

STANCES = ("supports", "contradicts", "qualifies")
RANKS = ("preferred", "normal", "doubted")
CALENDAR_CHOICES = ("gregorian", "julian", "old-style")


def claim_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--stance``, ``--rank``, ``--lang`` and ``--calendar``: how claimed values are read."""
    for option in reversed(
        (
            click.option(
                "--stance",
                type=click.Choice(STANCES),
                default="supports",
                show_default=True,
                help="What the source does with the value: asserts, denies or qualifies it.",
            ),
            click.option(
                "--rank",
                type=click.Choice(RANKS),
                default="normal",
                show_default=True,
                help="Your confidence in the claim (as Wikidata ranks).",
            ),
            click.option(
                "--lang", default="en", show_default=True, help="Language of claimed dates/titles."
            ),
            click.option(
                "--calendar",
                type=click.Choice(CALENDAR_CHOICES),
                default="gregorian",
                show_default=True,
                help="How the source reckons dates (old-style: Julian phrases before 1918).",
            ),
        )
    ):
        command = option(command)
    return command


def read_assignments(values: tuple[str, ...], option: str = "--claim") -> dict[str, str]:
    """``FIELD=VALUE`` options as a mapping; a value without ``=`` is refused naming it."""
    claims: dict[str, str] = {}
    for value in values:
        field, equals, text = value.partition("=")
        if not equals or not field.strip():
            raise click.BadParameter(
                f"{value!r}: write FIELD=VALUE, e.g. when=1969-03-15 or _casualties=31",
                param_hint=f"'{option}'",
            )
        if field.strip() in claims:
            raise click.BadParameter(f"{field.strip()!r} is claimed twice", param_hint=option)
        claims[field.strip()] = text
    return claims


def _source(citation: Citation) -> dict[str, Any]:
    return {"key": citation.key, "locator": citation.locator or None}


def claim_json(claim: Claim, citation: Citation | None = None) -> dict[str, Any]:
    """A claim as JSON: field, value (EDTF for dates), as written, stance, rank, source."""
    from timeline.domain import encode_claim

    data = encode_claim(claim)
    data["value_text"] = claim.value_text or None
    if citation is not None:
        data.update(_source(citation))
    return data


def evidence_json(item: Evidence, lang: str) -> dict[str, Any]:
    from timeline.domain import claimed_text, encode_claim

    return {
        "field": item.field,
        "value": encode_claim(item.claims[0])["value"],
        "text": claimed_text(item.field, item.value, lang),
        "asserted": item.claims[0].asserts,
        "concluded": item.concluded,
        "followed": item.followed,
        "sources": [
            {
                **_source(citation),
                "stance": str(claim.stance),
                "rank": str(claim.rank),
                "value_text": claim.value_text or None,
            }
            for claim, citation in item.sources
        ],
    }


def _evidence_rows(items: list[Evidence], lang: str) -> list[tuple[str, ...]]:
    from timeline.domain import claimed_text, field_label

    rows: list[tuple[str, ...]] = []
    for item in items:
        marks = ("concluded " if item.concluded else "") + ("followed" if item.followed else "")
        sources = "; ".join(
            f"{citation.key}{', ' + citation.locator if citation.locator else ''}"
            f" ({claim.stance}, {claim.rank})"
            for claim, citation in item.sources
        )
        rows.append(
            (
                field_label(item.field),
                claimed_text(item.field, item.value, lang)
                + ("" if item.claims[0].asserts else " (denied)"),
                marks.strip(),
                sources,
            )
        )
    return rows


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.argument("assignment", metavar="FIELD=VALUE")
@click.option("--locator", default="", help="The locator of the citation that claims it.")
@claim_options
@click.option("--reason", default="", help="Why the claim is recorded.")
def claim(
    event_id: str,
    key: str,
    assignment: str,
    locator: str,
    stance: str,
    rank: str,
    lang: str,
    calendar: str,
    reason: str,
) -> None:
    """FIELD is when, place, actors or title, or a field of your own with a
    leading underscore (_casualties=31, _fired_first=SUN). The event's own
    fields do not change: they are your conclusion.
    """
    ((field, value),) = read_assignments((assignment,), "FIELD=VALUE").items()
    with open_timeline() as timeline:
        made = timeline.claim(
            event_id,
            key,
            field,
            value,
            locator=locator,
            stance=stance,
            rank=rank,
            lang=lang,
            calendar=calendar,
            reason=reason,
        )
    click.echo(f"{made.citation_id} claims {made.field}")


@cli.command("revise-claim", cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.argument("field")
@click.option("--value", help="The corrected value (else the value stays).")
@click.option("--locator", default="", help="The locator of the citation that claims it.")
@click.option("--stance", type=click.Choice(STANCES), help="The corrected stance.")
@click.option("--rank", type=click.Choice(RANKS), help="The corrected rank.")
@click.option("--lang", default="en", show_default=True, help="Language of --value.")
@click.option(
    "--calendar",
    type=click.Choice(CALENDAR_CHOICES),
    default="gregorian",
    show_default=True,
    help="How the source reckons a --value date.",
)
@click.option("--reason", required=True, help="Why the claim changes (kept in its history).")
def revise_claim(
    event_id: str,
    key: str,
    field: str,
    value: str | None,
    locator: str,
    stance: str | None,
    rank: str | None,
    lang: str,
    calendar: str,
    reason: str,
) -> None:
    with open_timeline() as timeline:
        made = timeline.revise_claim(
            event_id,
            key,
            field,
            value,
            locator=locator,
            stance=stance,
            rank=rank,
            lang=lang,
            calendar=calendar,
            reason=reason,
        )
    click.echo(f"revised {made.id}")


@cli.command("withdraw-claim", cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.argument("field")
@click.option("--locator", default="", help="The locator of the citation that claims it.")
@click.option("--reason", required=True, help="Why the claim is withdrawn.")
def withdraw_claim(event_id: str, key: str, field: str, locator: str, reason: str) -> None:
    with open_timeline() as timeline:
        timeline.withdraw_claim(event_id, key, field, locator=locator, reason=reason)
    click.echo(f"withdrew the claim of {key} on {field}")


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.argument("field")
@click.option("--locator", default="", help="The locator of the citation that claims it.")
@click.option("--reason", required=True, help="Why this source is followed.")
def follow(event_id: str, key: str, field: str, locator: str, reason: str) -> None:
    """The event takes the claimed value (recorded as a revision with the same
    reason) when it holds another.
    """
    with open_timeline() as timeline:
        timeline.follow(event_id, key, field, locator=locator, reason=reason)
    click.echo(f"{event_id} follows {key} on {field}")


@cli.command("claims-of")
@click.argument("event_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of dates and titles.")
def claims_of(event_id: str, as_json: bool, lang: str) -> None:
    from timeline.domain import claimed_text, field_label

    with open_timeline() as timeline:
        cited = {c.id: c for c in timeline.citations_of(event_id)}
        made = [(claim, cited[claim.citation_id]) for claim in timeline.claims_of(event_id)]
    if as_json:
        echo_json([claim_json(claim, citation) for claim, citation in made])
        return
    print_table(
        ("source", "locator", "field", "value", "stance", "rank"),
        [
            (
                citation.key,
                citation.locator,
                field_label(claim.field),
                claimed_text(claim.field, claim.value, lang),
                str(claim.stance),
                str(claim.rank),
            )
            for claim, citation in made
        ],
    )


@cli.command()
@click.argument("event_id", metavar="ID")
@click.argument("field", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of dates and titles.")
def evidence(event_id: str, field: str | None, as_json: bool, lang: str) -> None:
    with open_timeline() as timeline:
        items = timeline.evidence(event_id, field)
    if as_json:
        echo_json([evidence_json(item, lang) for item in items])
        return
    print_table(("field", "value", "conclusion", "sources"), _evidence_rows(items, lang))


def _dispute_json(dispute: Dispute, lang: str) -> dict[str, Any]:
    from timeline.dates import format_edtf

    return {
        "event": dispute.event.id,
        "when": format_edtf(dispute.event.when),
        "title": dispute.event.title.get(lang),
        "field": dispute.field,
        "evidence": [evidence_json(item, lang) for item in dispute.evidence],
    }


@cli.command()
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of dates and titles.")
def disputes(as_json: bool, lang: str, **options: Any) -> None:
    from timeline.domain import claimed_text, field_label

    with open_timeline() as timeline:
        found = timeline.disputes(**read_filters(**options))
    if as_json:
        echo_json([_dispute_json(dispute, lang) for dispute in found])
        return
    print_table(
        ("id", "field", "values"),
        [
            (
                dispute.event.id,
                field_label(dispute.field),
                " | ".join(
                    f"{claimed_text(item.field, item.value, lang)}"
                    f"{'' if item.claims[0].asserts else ' (denied)'}"
                    f" ({'; '.join(item.keys)})"
                    for item in dispute.evidence
                ),
            )
            for dispute in found
        ],
    )
