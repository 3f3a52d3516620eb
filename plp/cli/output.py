"""Output for people (rich tables, status on stderr) and for programs (``--json`` on stdout).

Text is data: the tables and status lines come from :mod:`plp.terminal`, which
prints user text literally (no rich markup, no emoji codes).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from plp.terminal import say, table  # noqa: F401 - the CLI's output helpers


def emit_json(data: Any) -> None:
    """JSON alone on stdout, nothing else mixed in; typed results through their one serialiser."""
    sys.stdout.write(indented_json(data) + "\n")


def indented_json(data: Any) -> str:
    """``json.dumps(plain(data), ensure_ascii=False, indent=2)``, byte for byte, several times faster.

    With ``indent`` the standard library encodes in pure Python (its C encoder is
    compact only): ``plp check --dry-run --json`` spent about a third of its time
    there. Here every string goes through the C string encoder and the layout is
    joined directly; whatever is not plain JSON data (typed results, dates) goes
    through :func:`plp.services.results.plain`, the one serialiser, as before.
    """
    return _encode(data, 0)


_STRING = json.encoder.encode_basestring  # the C function where available, as json.dumps uses


def _encode(value: Any, level: int) -> str:
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if kind is dict or kind is list or kind is tuple:
        if not value:
            return "{}" if kind is dict else "[]"
        inner = "\n" + "  " * (level + 1)
        if kind is dict:
            items = (_key(k) + ": " + _encode(v, level + 1) for k, v in value.items())
            return "{" + inner + ("," + inner).join(items) + "\n" + "  " * level + "}"
        return "[" + inner + ("," + inner).join(_encode(v, level + 1) for v in value) + "\n" + "  " * level + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    from plp.services.results import plain

    converted = plain(value)
    if converted is not value:  # a typed result, a date or a time: as plain data
        return _encode(converted, level)
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


def _key(key: Any) -> str:
    return _STRING(key) if type(key) is str else _STRING(json.dumps(key))


def out(message: str = "") -> None:
    """A line of text output on stdout, printed exactly."""
    sys.stdout.write(message + "\n")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
