"""Names, titles and notes that look like markup come out as written, in the terminal and in every report."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

from tests.conftest import assert_one_line_error, dump

NOW = "2026-03-10"
MARKUP = "[/] [link=https://evil.example]harmless[/link] [bold]x :smile:"
HTMLISH = "<img src=x onerror=alert(1)> **bold** | cell | &amp;"


def test_a_name_with_rich_markup_lists_and_shows_as_written(region, cli):
    added = cli("org", "add", MARKUP)
    assert added.err.strip() == f"Added organisation {MARKUP} (municipality)."
    region("project", "create", "mk", MARKUP, "--workflow", "plp", "--owner", MARKUP)
    for args in (("project", "list"), ("org", "list"), ("project", "show", "mk")):
        r = cli(*args)
        assert r.code == 0, (args, r.err)
        assert MARKUP in r.out, args


def test_a_status_message_with_markup_prints_as_written(region, cli):
    r = cli("person", "add", "[red]Kari[/] :smile:")
    assert r.code == 0, r.err
    assert r.err.strip() == "Added person [red]Kari[/] :smile: (id 4)."


def test_the_markdown_report_shows_html_and_markdown_in_user_text_as_written(region, cli, tmp_path):
    region("project", "create", "md", HTMLISH, "--workflow", "plp", "--owner", "Vennesla")
    path = tmp_path / "md.md"
    assert cli("report", "status", "md", "--format", "md", "--output", str(path), "--now", NOW).code == 0
    text = path.read_text(encoding="utf-8")
    assert "**bold**" not in text and not re.search(r"(?<!\\)<img", text)
    assert "\\<img src=x onerror=alert(1)\\> \\*\\*bold\\*\\* \\| cell \\| \\&amp;" in text


def test_the_html_report_escapes_user_text(region, cli, tmp_path):
    region("project", "create", "ht", HTMLISH, "--workflow", "plp", "--owner", "Vennesla")
    path = tmp_path / "ht.html"
    assert cli("report", "status", "ht", "--format", "html", "--output", str(path), "--now", NOW).code == 0
    text = path.read_text(encoding="utf-8")
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; **bold** | cell | &amp;amp;" in text


def test_the_portfolio_csv_neutralises_cells_a_spreadsheet_would_run(region, cli, tmp_path):
    region("org", "add", "@SUM(1)")
    region("project", "create", "x1", '=HYPERLINK("https://evil.example","click")', "--workflow", "plp",
           "--owner", "@SUM(1)")
    path = tmp_path / "p.csv"
    assert cli("report", "portfolio", "--format", "csv", "--output", str(path), "--now", NOW).code == 0
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))}
    assert rows["x1"]["name"] == '\'=HYPERLINK("https://evil.example","click")'
    assert rows["x1"]["owners"] == "'@SUM(1):A"
    assert rows["vdc"]["name"] == "Datasenter"


def test_the_timeline_draws_dollar_signs_as_written(region, cli, tmp_path):
    name = r"Budget $\alpha$ and $\nosuchcommand{x}$"
    region("project", "create", "tl", name, "--workflow", "plp", "--owner", "Vennesla")
    region("milestone", "add", "tl", "Pay $5 or $6 👍", "--due", "2026-04-01", "--responsible", "Kari Nordmann")
    svg = tmp_path / "tl.svg"
    r = cli("report", "timeline", "tl", "--output", str(svg), "--now", NOW)
    assert r.code == 0, r.err
    assert r.err.strip() == f"Wrote the timeline of tl to {svg}."  # no missing-glyph warning for the emoji
    texts = _svg_texts(svg)
    assert any(name in t for t in texts), texts
    assert "Pay $5 or $6 👍" in texts
    assert cli("report", "timeline", "tl", "--output", str(tmp_path / "tl.png"), "--now", NOW).code == 0


def test_a_very_long_name_is_clipped_in_the_chart_and_the_chart_is_drawn(region, cli, tmp_path, db_path):
    from plp.reports.escape import chart_label
    from tests.conftest import query

    name = "Datasenter " * 1000  # as an imported database may carry it
    query(db_path, "UPDATE project SET name = :n WHERE code = 'vdc'", n=name)
    svg = tmp_path / "vdc.svg"
    assert cli("report", "timeline", "vdc", "--output", str(svg), "--now", NOW).code == 0
    [title] = [t for t in _svg_texts(svg) if "(vdc)" in t]
    assert chart_label(name) in title and name not in title
    png = tmp_path / "vdc.png"
    assert cli("report", "timeline", "vdc", "--output", str(png), "--now", NOW).code == 0
    assert png.stat().st_size < 2_000_000


def _svg_texts(path) -> list[str]:
    return ["".join(t.itertext()) for t in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")]


def test_text_no_output_can_carry_is_refused_at_input_and_changes_nothing(region, plp_bin, db_path):
    before = dump(db_path)
    for bad in ("a\ufffeb", "a\uffffb"):
        assert_one_line_error(plp_bin("project", "create", "nc", bad, "--workflow", "plp", "--owner", "Vennesla"),
                              contains="which is not a character")
    assert_one_line_error(plp_bin("org", "add", "a\x1b[31mb"), contains="control character")
    assert dump(db_path) == before
