"""Words plp says, in nynorsk, bokmål and English: one neutral place for every layer.

The CLI, the services, the reports and the web all take their words from here:

- ``labels.yaml``: headings and phrases of reports and overviews, and the texts of
  criteria and trust factors (:class:`Labels`);
- ``web.yaml``: the web interface's own words, which fall back to ``labels.yaml``
  (:func:`web_table`);
- :mod:`plp.texts.events`: one readable line per history event.

Phase, outcome, role, goal-level and status labels are not here: they come from the
project's workflow. This package imports no other layer of plp but its settings.

The language: ``--lang``, else ``PLP_LANG``, else :data:`DEFAULT_LANG` (nynorsk) for
labels, reports, pages and messages. The CLI's own tables (``project show``, ``gate
status``, ``checklist show``, ``workflow show``, the demo's summary) fall back to
:data:`TERMINAL_LANG` (English) instead, as they always have: the rest of the CLI
speaks English around them (see :func:`terminal_lang`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from plp.errors import InvalidInput
from plp.settings import current

LANGS = ("nn", "nb", "en")
DEFAULT_LANG = "nn"  # the project's language: labels, reports, web pages, messages
TERMINAL_LANG = "en"  # the CLI's tables, when neither --lang nor PLP_LANG says otherwise


def report_lang(lang: str | None) -> str:
    """``--lang``, else ``PLP_LANG``, else nynorsk; refuses anything but nn, nb and en."""
    chosen = lang or current().lang or DEFAULT_LANG
    if chosen not in LANGS:
        where = "PLP_LANG" if not lang else "language"
        raise InvalidInput(f"unknown {where} '{chosen}' (choose one of: {', '.join(LANGS)})")
    return chosen


def terminal_lang(lang: str | None) -> str:
    """``--lang``, else ``PLP_LANG`` (ignored when it is not a language), else English."""
    configured = current().lang
    chosen = lang or (configured if configured in LANGS else TERMINAL_LANG)
    if chosen not in LANGS:
        raise InvalidInput(f"unknown language '{chosen}' (choose one of: {', '.join(LANGS)})")
    return chosen


def message_lang() -> str:
    """The language of a message to no one in particular (the webhook): ``PLP_LANG``, else nynorsk."""
    configured = current().lang
    return configured if configured in LANGS else DEFAULT_LANG


def _load(name: str) -> dict[str, dict[str, str]]:
    import yaml  # here, not at the top: most commands never need the words files

    data = yaml.safe_load(Path(__file__).with_name(name).read_text(encoding="utf-8"))
    for key, entry in data.items():  # a broken file must fail loudly, in tests first
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            raise ValueError(f"plp/texts/{name}: '{key}' needs exactly nn, nb and en")
    return data


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    return _load("labels.yaml")


@lru_cache(maxsize=1)
def web_table() -> dict[str, dict[str, str]]:
    """The web interface's own words (``web.yaml``)."""
    return _load("web.yaml")


class Labels:
    """``t("as_of", date=...)``: a heading or phrase in one language."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise InvalidInput(f"unknown language '{lang}' (choose one of: {', '.join(LANGS)})")
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        text = _table()[key][self.lang]
        return text.format(**values) if values else text

    def __getitem__(self, key: str) -> str:
        return self(key)

    def __contains__(self, key: str) -> bool:
        return key in _table()


def keys() -> list[str]:
    return list(_table())
