"""Console: the reminder printed for whoever runs the check (and the scheduler's log)."""

from __future__ import annotations

import sys


def show(*, to_name: str, subject: str, body: str) -> None:
    """On stderr, so ``plp check --json`` keeps stdout for JSON alone."""
    indented = "\n".join("    " + line if line else "" for line in body.rstrip("\n").splitlines())
    sys.stderr.write(f"[console] To {to_name}: {subject}\n{indented}\n")
