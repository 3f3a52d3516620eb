"""Reports people read, checked for content: HTML, Markdown, CSV, JSON, iCalendar, SVG and PNG."""

from __future__ import annotations

import csv
import io
import json
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import advance_to_pre_project, make_bp2_ready_except_anchoring

NOW = "2026-03-10"


@pytest.fixture
def reported(region, snapshot):
    """vdc in the pre-project, BP2 planned, one milestone of each light; a second project skog in idea."""
    snapshot("reported", lambda: _report_on(region), base="region")
    return region


def _report_on(ok) -> None:
    advance_to_pre_project(ok)
    make_bp2_ready_except_anchoring(ok)
    ok("anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS 1/26",
       "--date", "2026-02-01", "--now", "2026-02-01")
    for title, due in (("Forprosjektrapport levert", "2026-02-15"), ("Areal regulert", "2026-03-01"),
                       ("Fiber bestilt", "2026-03-20"), ("Leigetakar signert", "2026-06-30")):
        ok("milestone", "add", "vdc", title, "--due", due, "--responsible", "Per Leiar")
    ok("milestone", "done", "vdc", "1", "--on", "2026-02-14", "--now", "2026-02-14")
    ok("gate", "plan", "vdc", "--date", "2026-04-01", "--now", NOW)
    ok("project", "create", "skog", "Skog", "--workflow", "plp", "--owner", "Kristiansand", "--owner", "Iveland")
    ok("role", "assign", "skog", "Ola Nordmann", "sponsor")
    ok("gate", "plan", "skog", "--date", "2026-06-01", "--now", NOW)
    ok("plan", "add", "snp", "Strategisk næringsplan", "--period", "2015-2019")
    ok("measure", "add", "snp", "Grøn datalagring", "--responsible", "Vennesla", "--supporting", "Iveland")
    ok("measure", "link", "1", "vdc")


class Page(HTMLParser):
    """Headings, element classes and text of an HTML page; fails on unknown structure nowhere."""

    def __init__(self, text: str):
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.classes: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes += (attrs.get("class") or "").split()
        if tag in ("link", "script", "img") or (tag == "a" and attrs.get("href", "").startswith("http")):
            self.links.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._in = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)

    def h2(self) -> list[str]:
        return [t.strip() for tag, t in self.headings if tag == "h2"]

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def test_the_html_status_report_is_in_nynorsk_by_default_with_traffic_lights(reported, cli):
    r = cli("report", "status", "vdc", "--format", "html", "--now", NOW)
    assert r.code == 0, r.err
    page = Page(r.out)
    assert page.h2() == ["Neste beslutningspunkt", "Mål", "Milepælar", "Avgjerdslogg", "Forankring per eigar"]
    assert [h for tag, h in page.headings if tag == "h1"] == ["Datasenter"]
    for light in ("light-red", "light-yellow", "light-green", "light-done"):
        assert page.classes.count(light) == 1, light
    text = page.all_text()
    assert "Statusrapport" in text and "Per 2026-03-10" in text
    assert "Forprosjekt" in text and "BP2 – start hovudprosjekt" in text  # from the workflow file
    assert "politisk forankring manglar: Iveland" in text
    assert "gå vidare" in text  # the BP1 decision's outcome, labelled by the workflow
    assert "Effektmål" in text and "Resultatmål" in text
    assert "ikkje forankra" in text and "godkjend" in text
    assert "@page" in r.out and "size: A4" in r.out
    assert page.links == [], "the report must be one self-contained file"


def test_the_status_report_follows_lang_and_plp_lang(reported, cli, monkeypatch):
    en = Page(cli("report", "status", "vdc", "--format", "html", "--lang", "en", "--now", NOW).out)
    assert en.h2() == ["Next decision point", "Goals", "Milestones", "Decision log", "Anchoring per owner"]
    text = en.all_text()
    assert "Pre-project" in text and "political anchoring missing: Iveland" in text and "go on" in text
    monkeypatch.setenv("PLP_LANG", "nb")
    nb = Page(cli("report", "status", "vdc", "--format", "html", "--now", NOW).out)
    assert nb.h2() == ["Neste beslutningspunkt", "Mål", "Milepæler", "Beslutningslogg", "Forankring per eier"]
    assert "politisk forankring mangler: Iveland" in nb.all_text()


def test_the_markdown_status_report_has_every_section_and_the_criteria_table(reported, cli):
    r = cli("report", "status", "vdc", "--now", NOW)
    assert r.code == 0, r.err
    assert r.out.startswith("# Statusrapport: Datasenter (vdc)\n")
    for heading in ("## Neste beslutningspunkt", "## Mål", "## Milepælar", "## Avgjerdslogg", "## Forankring per eigar"):
        assert heading + "\n" in r.out
    assert "| Politisk forankring" not in r.out  # the label is "Godkjend politisk forankring hjå kvar eigar"
    assert "| Godkjend politisk forankring hjå kvar eigar (kommunestyre, bystyre, formannskap, fylkesting, fylkesutval)" \
           " | ✗ nei | politisk forankring manglar: Iveland |" in r.out
    assert "| 🔴 raud | Areal regulert | 2026-03-01 |" in r.out
    assert "| 🟡 gul | Fiber bestilt | 2026-03-20 |" in r.out
    assert "\n\n\n" not in r.out


def test_a_status_report_is_written_to_a_file(reported, cli, tmp_path):
    out = tmp_path / "vdc.html"
    r = cli("report", "status", "vdc", "--format", "html", "--output", str(out), "--now", NOW)
    assert r.code == 0 and r.out == "" and "Wrote" in r.err
    assert Page(out.read_text(encoding="utf-8")).h2()[0] == "Neste beslutningspunkt"


def test_the_portfolio_counts_red_and_yellow_milestones_per_project(reported, cli):
    rows = json.loads(cli("report", "portfolio", "--format", "json", "--lang", "en", "--now", NOW).out)
    by_code = {r["code"]: r for r in rows}
    assert list(by_code) == ["skog", "vdc"]
    vdc, skog = by_code["vdc"], by_code["skog"]
    assert (vdc["phase"], vdc["phase_label"], vdc["status"]) == ("pre_project", "Pre-project", "active")
    assert (vdc["next_decision_point"], vdc["planned_on"], vdc["ready"]) == ("BP2", "2026-04-01", False)
    assert (vdc["criteria_met"], vdc["criteria_total"], vdc["missing"]) == (4, 5, ["political anchoring missing: Iveland"])
    assert (vdc["red"], vdc["yellow"]) == (1, 1)
    assert (skog["phase"], skog["red"], skog["yellow"], skog["next_decision_point"]) == ("idea", 0, 0, "BP1")
    assert vdc["measures"] == [{"id": 1, "title": "Grøn datalagring"}] and skog["measures"] == []


def test_the_portfolio_as_csv_and_grouped_by_owner_or_measure(reported, cli):
    rows = list(csv.DictReader(io.StringIO(cli("report", "portfolio", "--format", "csv", "--now", NOW).out)))
    assert [(r["code"], r["red"], r["yellow"], r["ready"]) for r in rows] == [("skog", "0", "0", "no"),
                                                                             ("vdc", "1", "1", "no")]
    assert rows[1]["phase_label"] == "Forprosjekt"
    grouped = json.loads(cli("report", "portfolio", "--format", "json", "--by", "owner", "--now", NOW).out)
    assert [(g["group"], [(p["code"], p["grade"]) for p in g["projects"]]) for g in grouped] == [
        ("Iveland", [("skog", "B"), ("vdc", "C")]), ("Kristiansand", [("skog", "A")]), ("Vennesla", [("vdc", "A")])]
    by_measure = json.loads(cli("report", "portfolio", "--format", "json", "--by", "measure", "--now", NOW).out)
    assert [(g["group"], [p["code"] for p in g["projects"]]) for g in by_measure] == [
        ("#1 Grøn datalagring", ["vdc"]), ("Ikkje knytt til noko fellestiltak", ["skog"])]
    html = Page(cli("report", "portfolio", "--format", "html", "--by", "owner", "--now", NOW).out)
    assert html.h2() == ["Iveland", "Kristiansand", "Vennesla"]
    assert html.classes.count("red-count") == 4
    grouped_csv = list(csv.reader(io.StringIO(cli("report", "portfolio", "--format", "csv", "--by", "owner",
                                                  "--now", NOW).out)))
    assert grouped_csv[0][:2] == ["owner", "code"] and len(grouped_csv) == 5


def _ics(text: bytes):
    from icalendar import Calendar

    return Calendar.from_ical(text)


def test_the_calendar_is_valid_icalendar_with_stable_uids(reported, cli, tmp_path):
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert cli("export", "ics", "--output", str(first), "--now", NOW).code == 0
    assert cli("export", "ics", "--output", str(second), "--now", "2026-03-11T08:00").code == 0
    raw = first.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines must be folded at 75 octets"
    cal = _ics(raw)
    assert (str(cal["VERSION"]), "PRODID" in cal) == ("2.0", True)
    events = cal.walk("VEVENT")
    # 4 milestones of vdc, its BP1 decision and planned BP2 meeting, skog's planned BP1 meeting
    assert len(events) == 7
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert prop in ev, prop
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert uids == [str(e["UID"]) for e in _ics(second.read_bytes()).walk("VEVENT")]
    starts = {str(e["SUMMARY"]): e.decoded("DTSTART").isoformat() for e in events}
    assert starts["vdc: Areal regulert"] == "2026-03-01"
    assert starts["✓ vdc: Forprosjektrapport levert"] == "2026-02-15"
    assert starts["vdc: BP2 – start hovudprosjekt (avgjerdsmøte)"] == "2026-04-01"
    assert starts["vdc: BP1 – start forprosjekt – avgjort: gå vidare"] == "2026-01-10"


def test_a_replanned_or_decided_meeting_keeps_its_uid_so_a_reimport_updates_it(reported, cli, tmp_path):
    def meeting():
        out = tmp_path / "vdc.ics"
        assert cli("export", "ics", "vdc", "--output", str(out), "--lang", "en", "--now", NOW).code == 0
        [ev] = [e for e in _ics(out.read_bytes()).walk("VEVENT") if "BP2" in str(e["SUMMARY"])]
        return str(ev["UID"]), ev.decoded("DTSTART").isoformat(), int(ev["SEQUENCE"]), str(ev["SUMMARY"])

    uid, start, seq, summary = meeting()
    assert (start, summary) == ("2026-04-01", "vdc: BP2 – start the main project (decision meeting)")
    reported("gate", "plan", "vdc", "--date", "2026-04-08", "--now", NOW)
    uid2, start2, seq2, _ = meeting()
    assert (uid2, start2) == (uid, "2026-04-08") and seq2 > seq
    reported("decide", "vdc", "rework", "--by", "Kari Nordmann", "--date", "2026-03-10", "--now", NOW)
    uid3, start3, seq3, summary3 = meeting()
    assert (uid3, start3, summary3) == (uid, "2026-03-10", "vdc: BP2 – start the main project – decided: rework")
    assert seq3 > seq2


def _svg(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    drawn = [e for e in root.iter() if e.tag.split("}")[-1] in ("path", "rect", "line", "polyline", "use")]
    assert len(drawn) > 20, "the chart draws something"
    return root


def _texts(root: ET.Element) -> str:
    return " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text"))


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_timeline_is_a_real_svg_with_phases_decisions_and_milestones(reported, cli, tmp_path):
    out = tmp_path / "vdc.svg"
    r = cli("report", "timeline", "vdc", "--output", str(out), "--now", NOW)
    assert r.code == 0, r.err
    text = _texts(_svg(out))
    for label in ("Tidslinje", "Idé / forstudie", "Forprosjekt", "BP1: gå vidare", "Areal regulert", "Milepælar"):
        assert label in text, label
    png = tmp_path / "vdc.png"
    assert cli("report", "timeline", "vdc", "--output", str(png), "--lang", "en", "--now", NOW).code == 0
    width, height = _png_size(png)
    assert width > 600 and height > 200


def test_the_trust_chart_is_drawn_as_svg_or_png(reported, cli, tmp_path):
    for rnd, scores in (("2025", ("4,4,4,4,3", "4,4,4,4,2")), ("2026", ("4,3,4,4,2", "4,3,4,4,3"))):
        for who, s in zip(("Kari Nordmann", "Ola Nordmann"), scores):
            assert cli("trust", "record", "--round", rnd, "--respondent", who, "--scores", s,
                       "--now", f"{rnd}-02-01").code == 0
    svg, png = tmp_path / "trust.svg", tmp_path / "trust.png"
    r = cli("trust", "report", "--chart", str(svg), "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    flags = {f["factor"]: f["reasons"] for f in data["factors"] if f["flag"]}
    assert flags == {"anchoring": ["fell"], "framework": ["low"]}
    text = _texts(_svg(svg))
    assert "Tillit over tid" in text and "Forankring ⚠" in text and "2025" in text
    assert cli("trust", "report", "--chart", str(png), "--lang", "en").code == 0
    assert min(_png_size(png)) > 300


def test_the_agenda_as_html_and_markdown(reported, cli):
    assert cli("network", "meeting", "record", "--date", "2026-01-05", "--attendee", "Kari Nordmann",
               "--now", "2026-01-05").code == 0
    page = Page(cli("network", "agenda", "--format", "html", "--now", NOW).out)
    assert page.h2() == ["Iveland", "Kristiansand", "Vennesla"]
    text = page.all_text()
    assert "Saksliste for møte i næringsnettverket" in text and "Førre møte: 2026-01-05" in text
    assert "Avgjerder sidan førre møte" in text and "Beslutningspunkt dei neste 6 vekene" in text
    assert "politisk forankring manglar: Iveland" in text and "forankringa frå Iveland manglar" in text
    assert "Per Leiar" in text and "9 dagar over fristen" in text
    md = cli("network", "agenda", "--lang", "en", "--now", NOW).out
    assert md.startswith("# Agenda for the business network meeting\n")
    assert "## Iveland\n" in md and "anchoring from Iveland is missing" in md
    assert "  - political anchoring missing: Iveland\n" in md
    assert "- **vdc** Datasenter: BP1 – start the pre-project – go on → Pre-project (2026-01-10, Kari Nordmann)" in md


@pytest.mark.no_database  # the demo writes its own SQLite file, whatever the backend under test
def test_the_demo_writes_every_report_into_a_folder_and_names_it(plp_bin, tmp_path):
    db = tmp_path / "demo.db"
    r = plp_bin("--db", str(db), "demo", timeout=240)
    assert r.code == 0, r.err
    folder = tmp_path / "plp-demo"
    assert f"The reports are in {folder}/" in r.out
    names = {p.name for p in folder.iterdir()}
    for name in ("status-smartskog.html", "portfolio.html", "portfolio.csv", "agenda.html", "calendar.ics",
                 "timeline-smartskog.svg", "trust.svg", "trust.png"):
        assert name in names, name
    assert "BP2: rework" in r.out  # the story told before is still told
    page = Page((folder / "status-smartskog.html").read_text(encoding="utf-8"))
    assert page.h2()[0] == "Neste beslutningspunkt" and page.classes.count("light-red") == 1
    agenda = (folder / "agenda.md").read_text(encoding="utf-8")
    assert "politisk forankring manglar: Søgne" in agenda and "forankringa frå Søgne manglar" in agenda
    assert "Vertskapsprogram for nye verksemder i regionen" in agenda  # a measure with no change for 90 days
    assert len(_ics((folder / "calendar.ics").read_bytes()).walk("VEVENT")) > 10
    _svg(folder / "timeline-smartskog.svg")
    _svg(folder / "trust.svg")
    assert min(_png_size(folder / "trust.png")) > 300
    measures = json.loads(plp_bin("--db", str(db), "measure", "list", "--json").out)
    assert [(m["responsible"], m["projects"]) for m in measures][:3] == [
        ("Vennesla", ["vdc"]), ("Birkenes", ["smartskog"]), ("Kristiansand", ["areal"])]
