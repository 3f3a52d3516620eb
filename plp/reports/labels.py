"""The reports' words now live in the neutral :mod:`plp.texts`; kept importable here."""

from plp.texts import DEFAULT_REPORT_LANG, LANGS, Labels, keys, report_lang

__all__ = ["DEFAULT_REPORT_LANG", "LANGS", "Labels", "keys", "report_lang"]
