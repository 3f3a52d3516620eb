"""Rendering reports with Jinja2 templates (``templates/``): Markdown and self-contained HTML.

Text is data in both: HTML is autoescaped, and every ``{{ }}`` of a Markdown
template is escaped once by :func:`plp.reports.escape.markdown_once` (Jinja2's
``finalize``), so a name with ``<script>``, ``**``, ``|`` or a line break comes out
as written and cannot break a table. Files are written whole or not at all (a
temporary file renamed into place).
"""

from __future__ import annotations

import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from plp.errors import InvalidInput, PlpError
from plp.reports.escape import markdown_once
from plp.reports.labels import Labels

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=2)
def _env(html: bool):
    """HTML: autoescaped. Markdown: every expression escaped once, by ``finalize``."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=html,
                             finalize=None if html else markdown_once,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    if not html:
        # "cell" marks a table cell or list item: one line, escaped, as finalize does anyway.
        env.filters["cell"] = markdown_once
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


def check_output(path: str | None, suffixes: tuple[str, ...] | None = None) -> Path | None:
    """Refuse, before anything is computed, an output file that cannot be written."""
    if path is None:
        return None
    out = Path(path).expanduser()
    if suffixes and out.suffix.lower() not in suffixes:
        raise InvalidInput(f"cannot tell the format of '{path}': the file name must end in {' or '.join(suffixes)}")
    if out.is_dir():
        raise InvalidInput(f"--output {path} is a folder; give a file name")
    if not out.parent.is_dir():
        raise InvalidInput(f"cannot write {path}: folder {out.parent} does not exist")
    return out


def write(content: str | bytes, path: Path | None) -> None:
    """To the file (atomically), or to stdout when no file is given."""
    if path is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            sys.stdout.write(content if content.endswith("\n") else content + "\n")
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, path)
    except OSError as e:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise PlpError(f"cannot write {path}: {e.strerror or e}") from None
