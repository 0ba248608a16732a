"""Commands on named periods: define-period, revise-period, retract-period, period, periods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from timeline.cli._app import Writes, cli, open_timeline
from timeline.cli._output import echo_json, print_table

if TYPE_CHECKING:
    from timeline.domain import Period


def _labels(label: str | None, lang: str, more: tuple[str, ...]) -> dict[str, str]:
    """LABEL in ``lang`` and ``--label LANG=TEXT`` options as one mapping."""
    labels = {lang: label} if label else {}
    for value in more:
        tag, equals, text = value.partition("=")
        if not equals or not tag.strip() or not text.strip():
            raise click.BadParameter(
                f"{value!r}: write LANG=TEXT, e.g. zh=冷战", param_hint="--label"
            )
        labels[tag.strip()] = text.strip()
    return labels


def _parts(**given: Any) -> dict[str, Any]:
    return {name: value for name, value in given.items() if value is not None}


def period_json(period: Period) -> dict[str, Any]:
    """A period as JSON: as the journal stores it, with its bounds as ISO days."""
    from timeline.dates import MAX_BOUND, MIN_BOUND, jdn_to_iso
    from timeline.domain import encode_period

    lower, upper = period.bounds
    data = encode_period(period)
    data["from"] = None if lower == MIN_BOUND else jdn_to_iso(lower)
    data["to"] = None if upper == MAX_BOUND else jdn_to_iso(upper)
    return data


def _end(period: Period, name: str, lang: str) -> str:
    from timeline.dates import format_date

    when = getattr(period, name)
    text: str = getattr(period, f"{name}_text")
    return text or ("" if when is None else format_date(when, lang))


def print_periods(periods: list[Period], lang: str) -> None:
    """Periods as a table: id, label, start, end, region, source and locator."""
    print_table(
        ("id", "label", "start", "end", "region", "source", "locator"),
        [
            (
                p.id,
                p.label.get(lang),
                _end(p, "start", lang),
                _end(p, "end", lang),
                p.region,
                p.source,
                p.locator,
            )
            for p in periods
        ],
    )


_LABEL_OPTION = click.option(
    "--label",
    "more_labels",
    multiple=True,
    metavar="LANG=TEXT",
    help="A label in another language (repeatable): --label zh=冷战.",
)


@cli.command("define-period", cls=Writes)
@click.argument("label")
@click.option("--id", "period_id", help="The period's id (else from the label and the source).")
@click.option("--lang", default="en", show_default=True, help="Language of LABEL and the dates.")
@_LABEL_OPTION
@click.option("--start", help="When it began: EDTF (a range if uncertain) or a phrase.")
@click.option("--end", help="When it ended (leave out when the source gives no end).")
@click.option("--source", default="", help="The citation key of the reference defining it.")
@click.option("--locator", default="", help="Where in the source (p. 5).")
@click.option("--region", default="", help="The area it applies to, as the source says.")
@click.option("--note", default="", help="What the source adds.")
@click.option("--reason", default="", help="Why it is recorded.")
def define_period(
    label: str,
    period_id: str | None,
    lang: str,
    more_labels: tuple[str, ...],
    start: str | None,
    end: str | None,
    source: str,
    locator: str,
    region: str,
    note: str,
    reason: str,
) -> None:
    """Several definitions of one label may be recorded, each with its source:
    they stay rival definitions, each with its own id."""
    with open_timeline() as timeline:
        made = timeline.define_period(
            id=period_id,
            label=_labels(label, lang, more_labels),
            start=start,
            end=end,
            source=source,
            locator=locator,
            lang=lang,
            region=region,
            note=note,
            reason=reason,
        )
    click.echo(made.id)


@cli.command("revise-period", cls=Writes)
@click.argument("period_id", metavar="ID")
@_LABEL_OPTION
@click.option("--lang", default="en", show_default=True, help="Language of the dates.")
@click.option("--start", help="The corrected start.")
@click.option("--end", help="The corrected end.")
@click.option("--source", help="The corrected citation key.")
@click.option("--locator", help="The corrected locator.")
@click.option("--region", help="The corrected region.")
@click.option("--note", help="The corrected note.")
@click.option("--reason", required=True, help="Why it changes (kept in the journal).")
def revise_period(
    period_id: str,
    more_labels: tuple[str, ...],
    lang: str,
    start: str | None,
    end: str | None,
    source: str | None,
    locator: str | None,
    region: str | None,
    note: str | None,
    reason: str,
) -> None:
    """Only the parts given change; --label replaces every label."""
    parts = _parts(start=start, end=end, source=source, locator=locator, region=region, note=note)
    if more_labels:
        parts["label"] = _labels(None, lang, more_labels)
    with open_timeline() as timeline:
        made = timeline.revise_period(period_id, reason=reason, lang=lang, **parts)
    click.echo(made.id)


@cli.command("retract-period", cls=Writes)
@click.argument("period_id", metavar="ID")
@click.option("--reason", required=True, help="Why it is withdrawn.")
def retract_period(period_id: str, reason: str) -> None:
    """The definition stays in the journal."""
    with open_timeline() as timeline:
        timeline.retract_period(period_id, reason=reason)
    click.echo(f"retracted {period_id}")


@cli.command()
@click.argument("period_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of labels and dates.")
def period(period_id: str, as_json: bool, lang: str) -> None:
    """Retracted definitions are shown too."""
    with open_timeline() as timeline:
        found = timeline.period(period_id)
    if as_json:
        echo_json(period_json(found))
    else:
        print_periods([found], lang)


@cli.command()
@click.option("--label", help="Only the definitions with this label (in any language).")
@click.option("--include-retracted", is_flag=True, help="Retracted definitions too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of labels and dates.")
def periods(label: str | None, include_retracted: bool, as_json: bool, lang: str) -> None:
    """Rival definitions of one label are all listed, each with its source."""
    with open_timeline() as timeline:
        found = timeline.periods(label=label, include_retracted=include_retracted)
    if as_json:
        echo_json([period_json(p) for p in found])
    else:
        print_periods(found, lang)


@cli.command("import-periodo", cls=Writes)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--reason", default="", help="Why (default: imported from PATH).")
def import_periodo(path: str, reason: str) -> None:
    """Each authority's source becomes a reference periodo-ID, each period a definition
    citing it; importing the same file again writes nothing. Creates the journal if
    there is none."""
    with open_timeline(create=True) as timeline:
        counts = timeline.import_periodo(path, reason=reason)
    click.echo(", ".join(f"{count} {name}" for name, count in counts.items()))


@cli.command("export-periodo")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option("--include-retracted", is_flag=True, help="Retracted definitions too.")
def export_periodo(output: str | None, include_retracted: bool) -> None:
    """One authority per source reference; dates as years, PeriodO's precision."""
    import json
    from pathlib import Path

    with open_timeline() as timeline:
        data = timeline.export_periodo(include_retracted=include_retracted)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
