"""The web's words in nynorsk, bokmål and English: ``plp/texts/web.yaml``, then the reports'.

Phase, outcome and role labels come from the project's workflow version, as in the
reports; only the interface's own words are in these files (see :mod:`plp.texts`).
"""

from __future__ import annotations

from plp import texts

LANGS = texts.LANGS
DEFAULT = texts.DEFAULT_LANG


class T:
    """``t("key", n=3)``: a word or sentence of the interface in one language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else DEFAULT
        self._reports = texts.Labels(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        entry = texts.web_table().get(key)
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
