"""Chapter: every report for the network's next meeting, written into one folder."""

from __future__ import annotations

from pathlib import Path

from plp.db import Database
from plp.demo.narrator import REPORT_DAY, noon, say

DEMO_FOLDER = "plp-demo"  # the reports, beside the demo database
STATUS_OF = ["smartskog", "areal", "vdc"]
TIMELINE_OF = ["smartskog", "vdc"]


def report_folder(db: Database, output: str | None, *, force: bool = False) -> Path:
    """Where the demo's reports go; refused at once if a file there may not be overwritten."""
    from plp.reports.bundle import check_folder

    if output:
        folder = Path(output).expanduser()
    else:
        folder = (db.sqlite_path.parent if db.sqlite_path else Path.cwd()) / DEMO_FOLDER
    check_folder(folder, status_of=STATUS_OF, timeline_of=TIMELINE_OF, force=force)
    return folder


def write_reports(db: Database, folder: Path, *, force: bool = False) -> Path:
    from plp.reports.bundle import write_all
    from plp.texts import report_lang

    lang = report_lang(None)
    files = write_all(db, folder, now=noon(REPORT_DAY), lang=lang, status_of=STATUS_OF,
                      timeline_of=TIMELINE_OF, force=force)
    say(f"Reports for the network meeting after {REPORT_DAY}, in {'nynorsk' if lang == 'nn' else lang} "
        f"(PLP_LANG or --lang on each command for another language):")
    for f in files:
        say(f"  {f.name}")
    return folder
