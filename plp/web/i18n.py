"""The web's words in nynorsk, bokmål and English: ``labels.yaml`` here, then the reports'.

Phase, outcome and role labels come from the project's workflow version, as in the
reports; only the interface's own words are in these files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from plp.reports import labels as report_labels

LANGS = report_labels.LANGS
DEFAULT = "nn"


@lru_cache(maxsize=1)
def _web_table() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(Path(__file__).with_name("labels.yaml").read_text(encoding="utf-8"))
    for key, entry in data.items():  # a broken file must fail loudly, in tests first
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            raise ValueError(f"plp/web/labels.yaml: '{key}' needs exactly nn, nb and en")
    return data


class T:
    """``t("key", n=3)``: a word or sentence of the interface in one language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else DEFAULT
        self._reports = report_labels.Labels(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        entry = _web_table().get(key)
        if entry is None:
            return self._reports(key, **values)
        text = entry[self.lang]
        return text.format(**values) if values else text


def pick(query_lang: str | None, person_lang: str | None) -> str:
    """``?lang=`` first, then the person's stored language, else nynorsk."""
    for lang in (query_lang, person_lang):
        if lang in LANGS:
            return lang
    return DEFAULT
