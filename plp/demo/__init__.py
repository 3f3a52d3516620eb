"""``plp demo``: the Kristiansandregionen example, told as a story.

Seven municipalities share one strategic business plan. Two projects grew out of
it: a green data-storage centre in Vennesla and SMARTSKOG in Birkenes. The demo
builds both through the same services the CLI uses, lets the story clock advance
with each step (every call gets the date it happens on), and shows the engine
refusing what the method forbids. The people are invented; the places and the
projects' facts come from the region's plan.

One module per chapter, told in order by :func:`run`; the chapters call services
and speak through :mod:`plp.demo.narrator`, never through the CLI layer.
"""

from __future__ import annotations

from pathlib import Path

from plp.db import Database
from plp.demo.narrator import REPORT_DAY, Story, say
from plp.errors import PlpError

DEMO_FILE = "plp-demo.db"


def run(target: str | None, *, lang: str | None = "en", output: str | None = None, force: bool = False) -> None:
    """Build the example in ``target`` (else a fresh plp-demo.db) and tell its story on stdout."""
    from plp import texts
    from plp.demo import data_centre, people, region, reports, smartskog, summary, time, web

    lang = texts.terminal_lang(lang)
    target = _target(target)
    db = Database(target, create=True)
    folder = reports.report_folder(db, output, force=force)
    _refuse_data(db)
    story = Story(db, lang)
    say("Kristiansandregionen: seven municipalities, one strategic business plan (135,800 inhabitants, 2015).")
    say()
    people.directory(db)
    for chapter in (data_centre.data_centre, smartskog.smartskog, smartskog.main_project, region.area_portal,
                    time.conditional_approval, region.region):
        chapter(story)
        say()
    summary.summary(db, lang)
    say()
    reports.write_reports(db, folder, force=force)
    say()
    time.benefit_review(story)
    web.prepare(story)
    say()
    _look_around(db, target, folder)


def _target(target: str | None) -> str:
    from plp.settings import current

    explicit = target or current().db
    if explicit:
        return explicit
    for suffix in ("", "-wal", "-shm"):
        Path(DEMO_FILE + suffix).unlink(missing_ok=True)
    return DEMO_FILE


def _refuse_data(db: Database) -> None:
    """The demo tells its story only in an empty database: it never mixes with real data."""
    from sqlmodel import select

    from plp.models import Org, Project

    with db.unit() as uow:
        if uow.session.exec(select(Project)).first() or uow.session.exec(select(Org)).first():
            raise PlpError(f"the demo needs an empty database, and {db.display} has data; "
                           f"run 'plp demo' without --db to use a fresh {DEMO_FILE}")


def _look_around(db: Database, target: str, folder: Path) -> None:
    say(f"The example is in {db.sqlite_path or db.display}. Look around:")
    shown = target if target != DEMO_FILE else DEMO_FILE
    for command in ("project show vdc", "project history smartskog", "project history lading", "gate status smartskog",
                    "measure list", "trust report", f"network agenda --now {REPORT_DAY}"):
        say(f"  plp --db {shown} {command}")
    say(f"The reports are in {folder}/")
    say(f"The web: plp --db {shown} serve, then open http://127.0.0.1:8000/ (make serve does both)")
