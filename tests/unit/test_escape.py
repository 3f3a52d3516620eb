"""The per-format rules of plp.reports.escape, each read back the way its format is read."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plp.reports.escape import chart_label, csv_cell, csv_text, markdown

pytestmark = pytest.mark.no_database  # pure escaping rules, no database


def _rendered(md: str) -> str:
    """What a reader of the rendered Markdown sees: the text of the HTML, tags counted."""
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    class Seen(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.text, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.append(data)

    seen = Seen()
    seen.feed(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md))
    assert set(seen.tags) <= {"p", "table", "thead", "tbody", "tr", "th", "td"}, (md, seen.tags)
    return "".join(seen.text).strip()


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "**bold** and _it_", "[link](https://evil.example)", "![x](y.png)",
    "`code`", "~~gone~~", "# heading #", "- item", "+ item", "* item", "1. first", "2) second", "> quote",
    "===", "---", "&amp; &#60; &#x3c; &copy;", "a \\ b \\", "<https://evil.example>", "| pipe |",
    "$x^2$", "    indented code", "line one\nline two", "tab\tseparated", "#6 in the plan", "+20 %", "-5",
    "1.5 mill.", "x ## y ##", "#", "=", "- - -",
])
def test_markdown_text_renders_as_the_same_words_and_no_markup(text):
    assert _rendered(markdown(text)) == " ".join(text.split())


@pytest.mark.parametrize("layout", ["## {}", "- {}", "{}", "> {}", "1. {}"])
@pytest.mark.parametrize("text", ["x #", "# y", "- z", "1. w", "===", "> q", "+ p"])
def test_markdown_text_stays_whole_in_a_heading_a_list_item_and_a_paragraph(layout, text):
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(layout.format(markdown(text)))
    [inline] = [t for t in tokens if t.type == "inline"]
    assert {c.type for c in inline.children} == {"text"}
    assert "".join(c.content for c in inline.children) == text
    assert [t.type for t in tokens if t.type.endswith("_open")] == {
        "## {}": ["heading_open"], "- {}": ["bullet_list_open", "list_item_open", "paragraph_open"],
         "{}": ["paragraph_open"], "> {}": ["blockquote_open", "paragraph_open"],
         "1. {}": ["ordered_list_open", "list_item_open", "paragraph_open"]}[layout]


@pytest.mark.parametrize("text", ["| a | b |", "x\\|y", "**x**", "<b>x</b>"])
def test_markdown_text_stays_one_cell_of_a_table(text):
    from html import escape

    from markdown_it import MarkdownIt

    table = f"| h | i |\n|---|---|\n| {markdown(text)} | z |\n"
    page = MarkdownIt("commonmark").enable("table").render(table)
    assert f"<tr>\n<td>{escape(text)}</td>\n<td>z</td>\n</tr>" in page, page


def test_a_no_break_space_is_text_not_markdown_whitespace():
    assert markdown("a\u00a0b\u2028c") == "a\u00a0b\u2028c"


_CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300)
@given(cells=st.lists(_CELL, min_size=1, max_size=5))
def test_csv_cells_read_back_as_written_and_never_start_a_formula(cells):
    buf = io.StringIO()
    csv.writer(buf).writerow([csv_cell(c) for c in cells])
    [row] = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert [csv_text(c) for c in row] == cells
    for cell in row:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
        assert cell.lstrip(" ")[:1] not in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "'x"])
def test_csv_puts_a_quote_before_what_a_spreadsheet_would_run(text):
    assert csv_cell(text) == "'" + text


def test_csv_leaves_ordinary_text_and_numbers_alone():
    assert [csv_cell(v) for v in ("Grønt datasenter", 3, "", None)] == ["Grønt datasenter", 3, "", None]


def test_a_chart_label_is_clipped_with_an_ellipsis():
    assert chart_label("x" * 80) == "x" * 80
    assert chart_label("x" * 81) == "x" * 79 + "…"
    assert chart_label("abcdef", 4) == "abc…"
