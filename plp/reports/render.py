"""Rendering reports with Jinja2 templates (``templates/``): Markdown and self-contained HTML.

Text is data in both: HTML is autoescaped, and every ``{{ }}`` of a Markdown
template is escaped once by :func:`plp.reports.escape.markdown_once` (Jinja2's
``finalize``), so a name with ``<script>``, ``**``, ``|`` or a line break comes out
as written and cannot break a table. Files are written whole or not at all:
:func:`check_output` and :func:`write` live in :mod:`plp.files`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from plp.errors import InvalidInput
from plp.files import check_output, write  # noqa: F401  (where the report commands find them)
from plp.reports.escape import markdown_once
from plp.texts import Labels

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=2)
def _env(html: bool):
    """HTML: autoescaped. Markdown: every expression escaped once, by ``finalize``."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=html,
                             finalize=None if html else markdown_once,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    return env


def render(name: str, fmt: str, lang: str, **context: Any) -> str:
    """Render ``templates/{name}.{fmt}.j2`` with the labels of ``lang`` as ``t``."""
    env = _env(fmt == "html")
    text = env.get_template(f"{name}.{fmt}.j2").render(t=Labels(lang), lang=lang, **context)
    if fmt == "md":  # no runs of blank lines from skipped sections
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
    return text


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise InvalidInput(f"unknown format '{fmt}' (choose one of: {', '.join(allowed)})")
    return fmt
