"""Text is data: user text made literal for each report format.

Every name, title, note and comment is shown as written. Each format has its own
active characters, so each gets its own function here:

- Markdown: :func:`markdown` backslash-escapes what CommonMark and GitHub-flavoured
  Markdown would read as syntax (emphasis, links, raw HTML, tables, headings, lists,
  strikethrough, math), and joins lines, so a note cannot break a table or a list.
- CSV: :func:`csv_cell` neutralises a cell that a spreadsheet would run as a formula,
  as OWASP recommends (a single quote in front).
- Charts: :func:`chart_label` keeps a label short enough to draw; matplotlib's own
  mathtext is switched off in :mod:`plp.reports.charts` (``text.parse_math``).

HTML is escaped by Jinja2's autoescape; iCalendar by the icalendar library.

Characters no format can carry (NUL and other control characters, lone surrogates,
the non-characters U+FFFE and U+FFFF) never reach a report: the services refuse
them at input (:func:`plp.services.common.clean_text`), so these functions need not
handle them.
"""

from __future__ import annotations

import re
from typing import Any

# Always active in CommonMark/GFM inline text: escapes, code, emphasis, links and
# images, raw HTML and autolinks, tables, strikethrough, math ($ on GitHub).
_MD_ALWAYS = re.compile(r"([\\`*_\[\]<>|~$])")
# '&' only where it would start an entity reference (&amp; &#60; &#x3c;).
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Active only at the start of a line: a heading, a list item, a setext underline or
# thematic break, an ordered list item ("1. " or "1) ").
_MD_LEADING = re.compile(r"#{1,6}(?= |$)|[-+](?= |$)|=+$|-+$|[0-9]{1,9}(?=[.)]( |$))")
# Active only at the end of a heading line: a closing run of '#'.
_MD_CLOSING = re.compile(r"(^|(?<= ))#+$")
# Markdown's own whitespace; a no-break space and the like are text and stay.
_MD_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def markdown(value: Any) -> str:
    """``value`` as Markdown text that renders as exactly these words.

    Runs of whitespace (line breaks, tabs) become one space: Markdown would fold a
    single line break into a space anyway, and a blank line or leading spaces would
    end a table or start a code block.
    """
    if value is None:
        return ""
    text = _MD_SPACE.sub(" ", str(value)).strip(" ")
    text = _MD_ALWAYS.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_CLOSING.sub(lambda m: "\\" + m.group(0), text)
    lead = _MD_LEADING.match(text)
    if lead is None or text.startswith("\\"):
        return text
    if text[0].isdigit():  # "1. x" stays a number: escape the dot
        return text[:lead.end()] + "\\" + text[lead.end():]
    return "\\" + text


class MarkdownText(str):
    """Text already escaped by :func:`markdown` (not escaped twice)."""


def markdown_once(value: Any) -> str:
    """The ``finalize`` of the Markdown templates: escape every ``{{ }}`` exactly once."""
    return value if isinstance(value, MarkdownText) else MarkdownText(markdown(value))


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"), and the
#: single quote itself, so that removing one leading quote always gives the text back.
CSV_ACTIVE = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_cell(value: Any) -> Any:
    """A CSV cell that Excel and LibreOffice show as text, never run as a formula.

    A text that starts with ``= + - @``, a tab or a carriage return (also after
    leading spaces, which a spreadsheet may trim) gets a single quote in front, as
    OWASP recommends. A text that starts with a quote gets one more, so a program
    reading the file gets the text back by removing the first character of every
    cell that starts with a quote. Numbers are left as numbers.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in CSV_ACTIVE or value.lstrip(" ")[:1] in CSV_ACTIVE:
        return "'" + value
    return value


def csv_text(cell: str) -> str:
    """The text of a cell written by :func:`csv_cell` (for programs and tests reading the file)."""
    return cell[1:] if cell.startswith("'") else cell


#: The longest user text drawn in a chart; a longer one ends in "…".
CHART_LABEL_MAX = 80


def chart_label(text: str, limit: int = CHART_LABEL_MAX) -> str:
    """A label short enough to draw: a long name would make an image too wide to save."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
