"""Event data sets through mapping files: ACLED's built in, others written by the user."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import HistoricalDate, ImportFailed, MappingError, Timeline
from timeline.cli import cli
from timeline.domain import Actor
from timeline.importing import load_mapping, mapped_plan, read_import
from timeline.importing._mapping import mapped_rows

#: ACLED's columns, in the order of its codebook (31, as exports write them).
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip


def acled_row(**cells: str) -> dict[str, str]:
    """One ACLED row: a battle in Donetsk unless ``cells`` say otherwise."""
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row |= {
        "event_id_cnty": "UKR12345",
        "event_date": "2024-05-16",
        "year": "2024",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Russia (2000-)",
        "assoc_actor_1": "Wagner Group; NATO",
        "actor2": "Military Forces of Ukraine (2019-)",
        "iso": "804",
        "region": "Europe",
        "country": "Ukraine",
        "admin1": "Donetsk",
        "location": "Donetsk",
        "latitude": "48.0159",
        "longitude": "37.8029",
        "source": "Ukrainska Pravda",
        "notes": "On 16 May 2024, Russian and Ukrainian forces clashed near Donetsk.",
        "fatalities": "3",
        "timestamp": "1716200000",
    }
    return row | cells


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = ACLED_COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_acled_rows_become_events_actors_places_and_citations(tmp_path: Path) -> None:
    """A row's id, date, title, summary, category, tags, place and citation come from its cells."""
    path = write_csv(tmp_path / "acled.csv", [acled_row()])
    plan = mapped_plan(path, load_mapping("acled"))
    (reference,) = plan.references
    assert (reference.key, reference.entry_type) == ("acled", "dataset")
    (event,) = plan.events
    assert event.id == "acled-ukr12345"
    assert event.when == HistoricalDate(2024, 5, 16)
    assert event.title.get("en") == "Armed clash: Donetsk, Ukraine (UKR12345)"
    assert event.summary.get("en").startswith("On 16 May 2024, Russian")
    assert event.summary.get("en").endswith("Fatalities: 3. Sources: Ukrainska Pravda.")
    assert event.category == "battles"
    assert event.actors == (Actor("NATO"),)  # the one name that is already a code
    assert set(event.tags) == {
        "political-violence",
        "actor.military-forces-of-russia-2000",
        "actor.wagner-group",
        "actor.military-forces-of-ukraine-2019",
    }
    (place,) = event.places
    assert (place.name.get("und"), place.country, place.lat, place.lon) == (
        "Donetsk",
        "Ukraine",
        48.0159,
        37.8029,
    )
    (citation,) = plan.citations
    assert (citation.key, citation.locator) == ("acled", "event UKR12345")
    assert str(plan.origin("events", 0)) == f"{path}, line 2, timestamp 1716200000"


@pytest.mark.parametrize(
    ("precision", "date", "edtf"),
    [
        ("1", "2024-05-16", "2024-05-16"),
        ("2", "2024-05-16", "2024-05-13/2024-05-19"),  # the Monday-to-Sunday week
        ("3", "16 May 2024", "2024-05"),
    ],
)
def test_time_precision_is_the_dates_precision(
    tmp_path: Path, precision: str, date: str, edtf: str
) -> None:
    """time_precision 1 is the day, 2 the week holding it, 3 its month; both date formats read."""
    from timeline.dates import parse_edtf

    path = write_csv(tmp_path / "a.csv", [acled_row(time_precision=precision, event_date=date)])
    (event,) = mapped_plan(path).events
    assert event.when == parse_edtf(edtf)


def test_an_acled_header_is_read_with_the_acled_mapping_unasked(tmp_path: Path) -> None:
    """read_import and `timeline import` take a .csv with ACLED's columns as ACLED data."""
    path = write_csv(tmp_path / "extract.csv", [acled_row(), acled_row(event_id_cnty="UKR2")])
    plan = read_import([path])
    assert [e.id for e in plan.events] == ["acled-ukr12345", "acled-ukr2"]
    journal = tmp_path / "j.timeline"
    result = CliRunner().invoke(cli, ["--journal", str(journal), "import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "imported 1 references, 2 events, 2 citations" in result.stdout
    with Timeline.open(journal) as timeline:
        assert timeline.event("acled-ukr2").places[0].country == "Ukraine"


MAPPING = """\
[source]
delimiter = "\\t"

[event]
id = "desk-{Story}"
when = "Day"
date_formats = ["%Y%m%d"]
precision = "day"
title = "{Headline}"
lang = "en"
category = { column = "Kind", values = { "Summit" = "summit", "Talks" = "meeting" } }
tags = ["{Desk}"]
importance = 3

[event.actors]
columns = ["Who"]
split = ","
unmapped = "error"
codes = { "China" = "CHN", "Russia" = "RUS:host" }

[event.place]
name = "{City}"
"""


def _desk(tmp_path: Path, rows: list[str], mapping: str = MAPPING) -> tuple[Path, Path]:
    data = tmp_path / "desk.tsv"
    data.write_text("Story\tDay\tHeadline\tKind\tDesk\tWho\tCity\n" + "".join(rows), "utf-8")
    (tmp_path / "desk.toml").write_text(mapping, encoding="utf-8")
    return data, tmp_path / "desk.toml"


def test_a_newsroom_spreadsheet_imports_through_its_mapping(tmp_path: Path) -> None:
    """A tab-separated sheet with its own columns, date format, value table and actor codes."""
    data, mapping = _desk(
        tmp_path,
        [
            "17\t20190605\tXi visits Moscow\tSummit\tWorld\tChina, Russia\tMoscow\n",
            "18\t20190606\tTalks go on\tOther\tWorld\t\tMoscow\n",
        ],
    )
    plan = read_import([data], mapping=mapping)
    first, second = plan.events
    assert (first.id, first.when, first.category, first.importance) == (
        "desk-17",
        HistoricalDate(2019, 6, 5),
        "summit",
        3,
    )
    assert first.actors == (Actor("CHN"), Actor("RUS", "host"))
    assert (first.tags, first.places[0].name.get("und")) == (("world",), "Moscow")
    assert second.category == "other" and not plan.references and not plan.citations
    assert str(plan.origin("events", 1)) == f"{data}:3"


def test_a_mapping_naming_a_missing_column_is_refused_before_any_row(tmp_path: Path) -> None:
    """The mapping file and the column are named, though the first row is broken too."""
    data, mapping = _desk(tmp_path, ["not\tenough\n"], MAPPING.replace("{City}", "{Town}"))
    with pytest.raises(MappingError, match=r"desk.toml: event.place.name names column 'Town'"):
        read_import([data], mapping=mapping)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("importance = 3", "importance = 5"), r"event.importance: use 1, 2 or 3"),
        (('precision = "day"', 'precision = "fortnight"'), r"'fortnight' is not one of day"),
        (("lang = ", "language = "), r"\[event\]: unknown key\(s\) language"),
        (('unmapped = "error"', 'unmapped = "guess"'), r"unmapped: use 'tag', 'drop'"),
        (('"RUS:host"', '"Russian Federation"'), r"codes.Russia: actor 'Russian Federation'"),
        (('delimiter = "\\t"', 'delimiter = "ab"'), r"source.delimiter: one character"),
        (("[event]", "[[event]]"), r"\[event\]: expected a table"),
        (('title = "{Headline}"', 'title = "{Headline"'), r"a brace left open"),
        (('id = "desk-{Story}"', "ids = 1"), r"unknown key\(s\) ids"),
        (("[event.place]", "[event.place\n"), r"not valid TOML"),
        (('title = "{Headline}"', 'title = "{}"'), r"an empty placeholder"),
        (('lang = "en"', "lang = 1"), r"event.lang: expected text, got int"),
        (('tags = ["{Desk}"]', 'tags = [{ default = "x" }]'), r"tags\[0\]: give 'template'"),
        (('"Talks" = "meeting"', '"Talks" = 1'), r"category.values: expected a table of text"),
        (('title = "{Headline}"', ""), r"\[event\] needs 'title'"),
        (('date_formats = ["%Y%m%d"]', 'date_formats = "%Y"'), r"date_formats: expected a list"),
        (('columns = ["Who"]', 'columns = "Who"'), r"actors.columns: expected a list"),
        (('codes = { "China" = "CHN", "Russia" = "RUS:host" }', "codes = 1"), r"codes: expected"),
        (('tags = ["{Desk}"]', 'tags = "{Desk}"'), r"tags: expected a list of templates"),
        (("[source]", '[citation]\nlocator = "x"\n[source]'), r"\[citation\] needs a \[ref"),
        (("[source]", "[reference]\nkey = 'bad key'\n[source]"), r"\[reference\]: .*bad key"),
    ],
)
def test_a_mapping_that_cannot_be_used_names_its_file_and_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    """Each mistake in a mapping file is a MappingError naming the file and the key."""
    data, mapping = _desk(tmp_path, [], MAPPING.replace(*change))
    with pytest.raises(MappingError, match=message) as info:
        read_import([data], mapping=mapping)
    assert str(mapping) in str(info.value)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "17\t2019-06-05\tX\tSummit\tW\tChina\tM\n",
            r"line 2, column 'Day': '2019-06-05' is in none",
        ),
        ("17\t20190605\tX\tSummit\tW\tMongolia\tM\n", r"line 2, column 'Who': actor 'Mongolia'"),
        ("17\t20190605\tX\tSummit\tW\tChina\n", r"line 2: 6 cells for the header's 7 columns"),
        ("17\t\tX\tSummit\tW\tChina\tM\n", r"line 2, column 'Day': no date"),
        (
            "\t20190605\tX\tSummit\tW\tChina\tM\n",
            r"line 2, column 'Story': empty, and the event id is made from it",
        ),
    ],
)
def test_a_malformed_row_names_file_line_and_column(tmp_path: Path, row: str, message: str) -> None:
    """A row that cannot be an event is refused with the file, its line and the column."""
    data, mapping = _desk(tmp_path, [row])
    with pytest.raises(ImportFailed, match=message) as info:
        read_import([data], mapping=mapping)
    assert str(info.value).startswith(str(data))


def test_bad_coordinates_and_a_repeated_id_in_acled_data(tmp_path: Path) -> None:
    """A latitude that is not a number or out of range names its column; an id given twice
    names both lines."""
    bad = write_csv(tmp_path / "a.csv", [acled_row(), acled_row(latitude="north")])
    with pytest.raises(ImportFailed, match=r"a.csv: line 3, column 'latitude': expected a num"):
        mapped_plan(bad)
    far = write_csv(tmp_path / "b.csv", [acled_row(latitude="148.0")])
    with pytest.raises(ImportFailed, match=r"b.csv: line 2, column 'latitude, longitude': lat"):
        mapped_plan(far)
    twice = write_csv(tmp_path / "c.csv", [acled_row(), acled_row(timestamp="1716300000")])
    with pytest.raises(ImportFailed, match=r"line 3, timestamp 1716300000: event id .* line 2"):
        mapped_plan(twice)


def test_rows_are_read_one_at_a_time(tmp_path: Path) -> None:
    """mapped_rows yields the first event before it reads (and refuses) a broken later row."""
    text = io.StringIO()
    writer = csv.DictWriter(text, ACLED_COLUMNS)
    writer.writeheader()
    writer.writerows([acled_row(), acled_row(event_id_cnty="UKR2", latitude="x")])
    text.seek(0)
    rows = mapped_rows(text, load_mapping("acled"), "stream")
    event, citation, origin = next(rows)
    assert event.id == "acled-ukr12345" and citation is not None and origin.entry
    with pytest.raises(ImportFailed, match=r"stream: line 3, column 'latitude'"):
        next(rows)


def test_a_mapping_given_to_a_file_it_does_not_fit_and_no_mapping_at_all(tmp_path: Path) -> None:
    """--mapping on a file lacking its columns is refused; a mapped table needs a mapping."""
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"built-in mapping acled: event.id names column"):
        read_import([path], mapping="acled")
    with pytest.raises(ImportFailed, match="none built in fits its header"):
        mapped_plan(path)
    with pytest.raises(MappingError, match=r"missing.toml: cannot read the mapping"):
        read_import([path], mapping=tmp_path / "missing.toml")


def test_year_precision_blank_lines_and_undecodable_or_empty_files(tmp_path: Path) -> None:
    """A constant precision applies to every row; blank lines are skipped; a file that is not
    UTF-8, has no header, or is missing is refused naming it."""
    data, mapping = _desk(
        tmp_path,
        ["17\t20190605\tX\tSummit\tW\tChina\tM\n", "\n", "18\t20190606\tY\tTalks\tW\t\tM\n"],
        MAPPING.replace('precision = "day"', 'precision = "year"'),
    )
    first, second = read_import([data], mapping=mapping).events
    assert first.when == HistoricalDate(2019) and second.id == "desk-18"
    data.write_bytes(b"Story\tDay\tHeadline\tKind\tDesk\tWho\tCity\n17\t\xff\n")
    with pytest.raises(ImportFailed, match=r"desk.tsv: not UTF-8 text \(byte 41\)"):
        read_import([data], mapping=mapping)
    data.write_text("", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"desk.tsv: no header row"):
        read_import([data], mapping=mapping)
    with pytest.raises(ImportFailed, match=r"gone.tsv: cannot read"):
        read_import([tmp_path / "gone.tsv"], mapping=mapping)
