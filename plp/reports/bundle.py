"""Every report at once, into one folder (used by ``plp demo``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from plp.db import Database
from plp.dates import local_tz
from plp.errors import PlpError
from plp.reports import charts, documents, ics
from plp.files import check_target, write


def file_names(status_of: list[str], timeline_of: list[str]) -> list[str]:
    """The files :func:`write_all` writes, in its order."""
    return [*(f"status-{code}.{ext}" for code in status_of for ext in ("html", "md")),
            "portfolio.html", "portfolio.csv", "portfolio-by-measure.html", "agenda.html", "agenda.md",
            "calendar.ics", *(f"timeline-{code}.svg" for code in timeline_of), "trust.svg", "trust.png"]


def check_folder(folder: Path, *, status_of: list[str], timeline_of: list[str], force: bool = False) -> None:
    """Refuse, before anything is computed, when a file to be written exists and is not a report."""
    for name in file_names(status_of, timeline_of):
        check_target(folder / name, force=force)


def write_all(db: Database, folder: Path, *, now: dt.datetime, lang: str, status_of: list[str],
              timeline_of: list[str], force: bool = False) -> list[Path]:
    """Status reports, portfolio, agenda, calendar, timelines and the trust chart; returns the files.

    Refuses before writing any when one of the files exists and is not a report (see
    :func:`plp.files.check_target`), unless ``force``.
    """
    from plp.services import network, reporting, trust

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PlpError(f"cannot create the folder {folder}: {e.strerror or e}") from None
    today = now.astimezone(local_tz()).date()
    files: list[tuple[str, str | bytes]] = []
    for code in status_of:
        data = reporting.status_report(db, code=code, today=today, lang=lang)
        files.append((f"status-{code}.html", documents.status(data, "html")))
        files.append((f"status-{code}.md", documents.status(data, "md")))
    rows = reporting.portfolio(db, today=today, lang=lang)
    files.append(("portfolio.html", documents.portfolio(rows, "html", lang=lang, by=None, as_of=today.isoformat())))
    files.append(("portfolio.csv", documents.portfolio(rows, "csv", lang=lang, by=None, as_of=today.isoformat())))
    grouped = reporting.portfolio(db, today=today, lang=lang, by="measure")
    files.append(("portfolio-by-measure.html", documents.portfolio(grouped, "html", lang=lang, by="measure",
                                                                   as_of=today.isoformat())))
    agenda = network.agenda(db, now=now, lang=lang)
    files.append(("agenda.html", documents.agenda(agenda, "html")))
    files.append(("agenda.md", documents.agenda(agenda, "md")))
    files.append(("calendar.ics", ics.build(reporting.calendar(db, lang=lang), lang=lang, now=now)))
    for code in timeline_of:
        data = reporting.timeline(db, code=code, today=today, lang=lang)
        files.append((f"timeline-{code}.svg", charts.timeline(data, lang=lang, fmt="svg")))
    trend = trust.report(db)
    files.append(("trust.svg", charts.trust_trend(trend, lang=lang, fmt="svg")))
    files.append(("trust.png", charts.trust_trend(trend, lang=lang, fmt="png")))
    assert [name for name, _ in files] == file_names(status_of, timeline_of)
    check_folder(folder, status_of=status_of, timeline_of=timeline_of, force=force)
    written = []
    for name, content in files:
        write(content, folder / name)
        written.append(folder / name)
    return written
