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
    from plp.services.results import plain

    sys.stdout.write(json.dumps(plain(data), ensure_ascii=False, indent=2) + "\n")


def out(message: str = "") -> None:
    """A line of text output on stdout, printed exactly."""
    sys.stdout.write(message + "\n")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
