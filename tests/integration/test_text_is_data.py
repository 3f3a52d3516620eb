"""Text is data: one generated text pushed through every output plp has, shown literally in each.

The text is written straight into the rows of a real database (the way an imported
database carries it: ``import json`` checks types, not lengths), so it can be 10,000
characters long where the commands would refuse it. Its characters are the ones the
commands accept (``plp.services.common.clean_text``): no control characters, no lone
surrogates, no U+FFFE/U+FFFF; those are refused at input and never reach an output.

Each output is read back with that format's own decoding before it is compared:
the terminal table as printed, HTML parsed, Markdown rendered by markdown-it (rich's
own dependency) and parsed, CSV parsed with the neutralising quote removed, ICS
parsed by icalendar, SVG text elements read as XML, the email parsed by the stdlib,
the webhook payload json-loaded with Slack's entities undone.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from email import message_from_bytes, policy
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from plp.reports.escape import chart_label, csv_text
from tests.conftest import query

NOW = "2026-03-10"

#: Texts that each format once read as something else.
NASTY = [
    "[/]", "[bold red]x[/bold red]", "[link=https://evil.example]harmless[/link]", ":thumbs_up: :smile:",
    "$x^2$ costs $5 and $6", "=HYPERLINK(\"https://evil.example\",\"x\")", "+1", "-2+3", "@SUM(A1)", "'quoted",
    " =1+1", "<script>alert(1)</script>", "<b>bold</b> &amp; &lt; &#60;", "**bold** _it_ `code` ~~del~~",
    "| a | b |", "# heading", "- item", "1. first", "> quote", "![img](https://evil.example/x.png)",
    "[text](https://evil.example)", "\\", "back\\slash\\", "{{ jinja }} {% if %}", "%s %(x)s {0}",
    "\u202eevil\u202c gnp.exe", "שלום עולם مرحبا", "👍🏽👩‍👩‍👧 🇳🇴", "e\u0301 combining", "zero\u200bwidth",
    "a\u00a0no-break", "Grønt datasenter «Vennesla»", "<http://evil.example>", "*", "_", "&", "\\|", "x\\$y$",
]

_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
_WORDS = st.one_of(st.sampled_from(NASTY), st.text(_CHARS, min_size=1, max_size=30))
_SHORT = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
_LONG = _SHORT.map(lambda s: (s * (10_000 // len(s) + 1))[:10_000])
TEXT = st.one_of(_SHORT, _SHORT, _LONG).filter(lambda s: s.strip())


def _space(text: str) -> str:
    return " ".join(text.split())


class _Text(HTMLParser):
    """The text a browser shows, element by element, outside <style>."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self._skip = tag == "style"

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _markdown_text(md: str) -> list[str]:
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    return _Text(page).parts


def _svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]


def _slack_text(payload: dict) -> str:
    """The text Slack shows: it escapes only &, < and >."""
    from plp.notify.email import Mailer, header_name
    from plp.notify.webhook import payload as make

    text = json.loads(json.dumps(payload, ensure_ascii=False))["text"]
    if make("&", "")["text"] == "*&*\n\n":  # this channel does not escape (yet): nothing to undo
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.fixture
def world(region, db_path):
    ok = region
    ok("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    ok("goal", "add", "vdc", "effect", "Goal")
    ok("milestone", "add", "vdc", "Milestone", "--due", "2026-03-01", "--responsible", "Kari Nordmann")
    ok("decide", "vdc", "rework", "--by", "Kari Nordmann", "--note", "Note", "--date", "2026-01-10",
       "--now", "2026-01-10")
    ok("anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 1/26",
       "--date", "2026-02-01", "--now", "2026-02-01")
    return db_path


def _store(db_path, text: str) -> None:
    """Put ``text`` in every user-text column the outputs below show."""
    for sql in ("UPDATE project SET name = :t", "UPDATE milestone SET title = :t", "UPDATE goal SET text = :t",
                "UPDATE decision SET note = :t", "UPDATE anchoring SET ref = :t",
                "UPDATE org SET name = :t WHERE id = 2",
                "UPDATE person SET name = :t WHERE id = 1"):
        query(db_path, sql, t=text)


ALL_NASTY = " ".join(NASTY)


# Each example takes a few seconds (every report, two charts): a few generated texts
# on top of two fixed ones that hold every known troublemaker, short and 10,000 long.
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(text=TEXT)
@example(text=ALL_NASTY)
@example(text=(ALL_NASTY * (10_000 // len(ALL_NASTY) + 1))[:10_000])
def test_user_text_comes_out_literally_in_every_output(world, cli, tmp_path, monkeypatch, text):
    monkeypatch.setenv("COLUMNS", "40000")  # a terminal wide enough that no cell is folded
    _store(world, text)
    _terminal(cli, text)
    _reports(cli, tmp_path, text)
    _calendar_and_charts(cli, tmp_path, text)
    _messages(text)


def _run(cli, *args: str):
    r = cli(*args)
    assert r.code == 0, (args, r.err)
    assert "Traceback" not in r.err
    return r


def _terminal(cli, text: str) -> None:
    for args in (("project", "list"), ("milestone", "list"), ("person", "list"), ("anchor", "list", "vdc"),
                 ("project", "show", "vdc")):
        out = _run(cli, *args, "--now", NOW).out if args[0] == "milestone" else _run(cli, *args).out
        assert text in out, args


def _reports(cli, tmp_path, text: str) -> None:
    page = tmp_path / "status.html"
    _run(cli, "report", "status", "vdc", "--format", "html", "--output", str(page), "--now", NOW)
    shown = _Text(page.read_text(encoding="utf-8")).parts
    assert text in shown, "html: the name as a heading"
    assert sum(text in part for part in shown) >= 5, "html: name, goal, milestone, note, owner, ref"

    md = tmp_path / "status.md"
    _run(cli, "report", "status", "vdc", "--format", "md", "--output", str(md), "--now", NOW)
    rendered = [_space(part) for part in _markdown_text(md.read_text(encoding="utf-8"))]
    assert sum(_space(text) in part for part in rendered) >= 5, "md: name, goal, milestone, note, owner, ref"

    sheet = tmp_path / "portfolio.csv"
    _run(cli, "report", "portfolio", "--format", "csv", "--output", str(sheet), "--now", NOW)
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"), newline="")))
    assert [csv_text(r["name"]) for r in rows] == [text]
    for row in rows:
        assert not any(cell[:1] in ("=", "+", "-", "@") or cell.lstrip(" ")[:1] in ("=", "+", "-", "@")
                       for cell in row.values()), row


def _calendar_and_charts(cli, tmp_path, text: str) -> None:
    from icalendar import Calendar

    ics = tmp_path / "vdc.ics"
    _run(cli, "export", "ics", "vdc", "--output", str(ics))
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    descriptions = [str(e["DESCRIPTION"]) for e in events]
    assert f"vdc: {text}" in summaries, "ics: the milestone's title"
    assert any(text in d.split("\n") for d in descriptions), "ics: the decision's note"

    svg = tmp_path / "vdc.svg"
    _run(cli, "report", "timeline", "vdc", "--output", str(svg), "--now", NOW)
    drawn = _svg_texts(svg.read_bytes())
    assert any(chart_label(text) in t for t in drawn), "svg: the name in the title"
    assert chart_label(text, 40) in drawn, "svg: the milestone's title"
    png = tmp_path / "vdc.png"
    _run(cli, "report", "timeline", "vdc", "--output", str(png), "--now", NOW)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _messages(text: str) -> None:
    """A milestone reminder as the email channel builds it, and as the webhook posts it."""
    from plp.notify.email import Mailer, header_name
    from plp.notify.webhook import payload
    from plp.reminders import DueReminder, Recipient, compose

    to = Recipient(person_id=1, name=text, email="kari@example.no", lang="en")
    due = DueReminder(kind="milestone", project_id=1, code="vdc", project=text, item_id=1, item=text,
                      step="overdue-0", due=dt.date(2026, 3, 1), recipients=[to], days=-9)
    subject, body = compose(due, to)
    msg = Mailer("smtp://127.0.0.1:25", "plp@localhost").compose(  # no connection is opened to compose
        to_name=to.name, to_addr=to.email, subject=subject, body=body)
    back = message_from_bytes(msg.as_bytes(), policy=policy.default)
    # The stdlib folds a long non-ASCII subject into RFC 2047 encoded words and may fold
    # at a space between two of them, which decoding then drops (RFC 2047, 6.2): so the
    # subject is compared without whitespace. Every other character must survive.
    assert _space(text).replace(" ", "") in _space(str(back["Subject"])).replace(" ", ""), "email subject"
    assert text in back.get_content(), "email body"
    [addr] = back["To"].addresses
    assert addr.addr_spec == to.email, "email recipient"
    shown_name = header_name(to.name)  # a long name is cut in the header; the body has it whole
    assert _space(shown_name).replace(" ", "") == _space(addr.display_name).replace(" ", ""), "email recipient"
    shown = _slack_text(payload(subject, body))
    assert text in shown and subject in shown, "webhook"
