"""The reports' own words in nynorsk, bokmål and English (``labels.yaml``).

Phase, outcome, role, goal-level and status labels are not here: they come from
the project's workflow. Reports default to nynorsk; ``--lang`` or ``PLP_LANG``
chooses another language.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

from plp.errors import InvalidInput

LANGS = ("nn", "nb", "en")
DEFAULT_REPORT_LANG = "nn"


def report_lang(lang: str | None) -> str:
    """``--lang``, else ``PLP_LANG``, else nynorsk; refuses anything but nn, nb and en."""
    chosen = lang or os.environ.get("PLP_LANG") or DEFAULT_REPORT_LANG
    if chosen not in LANGS:
        where = "PLP_LANG" if not lang else "language"
        raise InvalidInput(f"unknown {where} '{chosen}' (choose one of: {', '.join(LANGS)})")
    return chosen


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((Path(__file__).with_name("labels.yaml")).read_text(encoding="utf-8"))
    for key, entry in data.items():  # a broken file must fail loudly, in tests first
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            raise ValueError(f"labels.yaml: '{key}' needs exactly nn, nb and en")
    return data


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
