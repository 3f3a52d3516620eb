"""``plp demo``: the Kristiansandregionen example, told as a story.

Seven municipalities share one strategic business plan. Two projects grew out of
it: a green data-storage centre in Vennesla and SMARTSKOG in Birkenes. The demo
builds both through the same services the CLI uses, lets the story clock advance
with each step (every call gets the date it happens on), and shows the engine
refusing what the method forbids. The people are invented; the places and the
projects' facts come from the region's plan.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from plp.actor import system
from plp.errors import PlpError
from plp.services.identity import acting

if TYPE_CHECKING:
    from plp.cli.state import State

DEMO_FILE = "plp-demo.db"
DEMO_FOLDER = "plp-demo"  # the reports, beside the demo database
#: plp itself, setting the stage (organisations, people) before the story's people act.
DEMO = system("demo")
REPORT_DAY = "2017-10-02"  # the story's "today" for the reports: the network's next meeting

MUNICIPALITIES = ["Kristiansand", "Vennesla", "Songdalen", "Birkenes", "Iveland", "Lillesand", "Søgne"]

ADVISERS = [  # (name, email, organisation): the business network
    ("Ingrid Aasen", "ingrid.aasen@kristiansand.example", "Kristiansand"),
    ("Tor Egil Haugland", "tor.egil.haugland@vennesla.example", "Vennesla"),
    ("Marit Try", "marit.try@songdalen.example", "Songdalen"),
    ("Knut Olav Reinertsen", "knut.olav.reinertsen@birkenes.example", "Birkenes"),
    ("Anne Gro Homme", "anne.gro.homme@iveland.example", "Iveland"),
    ("Sigurd Fjeld", "sigurd.fjeld@lillesand.example", "Lillesand"),
    ("Liv Ragnhild Skaar", "liv.ragnhild.skaar@sogne.example", "Søgne"),
]
ADMIN = "Ingrid Aasen"  # the region's coordinator administers the database
LEADERS = [
    ("Hanne Bakken", "hanne.bakken@vennesla.example", "Vennesla"),  # sponsor, data centre
    ("Eirik Sæther", "eirik.saether@vennesla.example", "Vennesla"),  # project leader, data centre
    ("Gunnar Lid", "gunnar.lid@birkenes.example", "Birkenes"),  # sponsor, SMARTSKOG
    ("Ragnhild Tveit", None, "Birkenes"),  # project leader, SMARTSKOG (no email yet)
]


class Story:
    def __init__(self, db, lang: str):
        self.db = db
        self.lang = lang

    def tell(self, day: str, text: str) -> None:
        print(f"  {day}  {text}")

    def refused(self, action: Callable[[], object]) -> str:
        """Run an action the method must refuse; return the refusal."""
        try:
            action()
        except PlpError as e:
            return str(e)
        raise AssertionError("the demo expected a refusal")  # pragma: no cover


def _target(st: "State") -> str:
    explicit = st.target or os.environ.get("PLP_DB")
    if explicit:
        return explicit
    for suffix in ("", "-wal", "-shm"):
        Path(DEMO_FILE + suffix).unlink(missing_ok=True)
    return DEMO_FILE


def run(st: "State", *, lang: str = "en", output: str | None = None, force: bool = False) -> None:
    from sqlmodel import select

    from plp.cli.state import check_lang
    from plp.db import Database
    from plp.demo_region import report_folder
    from plp.models import Org, Project

    lang = check_lang(lang)
    target = _target(st)
    db = Database(target, create=True)
    folder = report_folder(db, output, force=force)
    with db.unit() as uow:
        if uow.session.exec(select(Project)).first() or uow.session.exec(select(Org)).first():
            raise PlpError(f"the demo needs an empty database, and {db.display} has data; "
                           f"run 'plp demo' without --db to use a fresh {DEMO_FILE}")
    story = Story(db, lang)
    print("Kristiansandregionen: seven municipalities, one strategic business plan (135,800 inhabitants, 2015).")
    print()
    _directory(db)
    _data_centre(story)
    print()
    _smartskog(story)
    print()
    from plp.demo_region import _area_portal, _region, _smartskog_main_project, _write_reports

    _smartskog_main_project(story)
    print()
    _area_portal(story)
    print()
    from plp.demo_time import benefit_review, conditional_approval

    conditional_approval(story)
    print()
    _region(story)
    print()
    _summary(db, lang)
    print()
    _write_reports(db, folder, force=force)
    print()
    benefit_review(story)
    from plp.demo_web import prepare

    prepare(story)
    print()
    print(f"The example is in {db.sqlite_path or db.display}. Look around:")
    shown = target if target != DEMO_FILE else DEMO_FILE
    print(f"  plp --db {shown} project show vdc")
    print(f"  plp --db {shown} project history smartskog")
    print(f"  plp --db {shown} project history lading")
    print(f"  plp --db {shown} gate status smartskog")
    print(f"  plp --db {shown} measure list")
    print(f"  plp --db {shown} trust report")
    print(f"  plp --db {shown} network agenda --now {REPORT_DAY}")
    print(f"The reports are in {folder}/")
    print(f"The web: plp --db {shown} serve, then open http://127.0.0.1:8000/ (make serve does both)")


def _directory(db) -> None:
    from plp.services.admins import grant
    from plp.services.directory import add_org, add_person

    for name in MUNICIPALITIES:
        add_org(db, name=name, kind="municipality", actor=DEMO)
    add_org(db, name="Vest-Agder fylkeskommune", kind="county", actor=DEMO)
    add_org(db, name="SMARTSKOG AS", kind="company", actor=DEMO)
    for name, email, org in ADVISERS + LEADERS:
        add_person(db, name=name, email=email, org=org, lang="nn", actor=DEMO)
    grant(db, person=ADMIN, actor=DEMO)
    print(f"The business network: {len(ADVISERS)} business advisers, one from each municipality; "
          f"{ADMIN} administers the database.")


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _data_centre(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones, projects, team

    db = story.db
    leader, sponsor = "Eirik Sæther", "Hanne Bakken"
    print("Green data-storage centre in Vennesla (vdc): a 110 daa zoned area, fibre to Denmark and Oslo.")
    projects.create_project(db, code="vdc", name="Grønt datasenter Vennesla", workflow="plp",
                            owners=["Vennesla:A", "Kristiansand:B", "Songdalen:C", "Iveland:C"], actor=acting(db, leader))
    team.assign_role(db, code="vdc", person=sponsor, role="sponsor", actor=acting(db, leader))
    team.assign_role(db, code="vdc", person=leader, role="leader", actor=acting(db, sponsor))
    for who in ("Ingrid Aasen", "Anne Gro Homme"):
        team.assign_role(db, code="vdc", person=who, role="steering", actor=acting(db, sponsor))
    story.tell("2015-01-20", "Created in the idea phase; owners Vennesla (A), Kristiansand (B), Songdalen and Iveland (C).")

    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-02-03"),
                                                     today=_d("2015-02-03"), actor=acting(db, sponsor)))
    story.tell("2015-02-03", f"The sponsor tries BP1 too early. Refused: {refusal}")
    for item in ("idea_sketch", "owners_identified"):
        checklist.tick(db, code="vdc", item=item, actor=acting(db, leader))
    decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-02-10"), today=_d("2015-02-10"),
                     note="Forprosjekt for datasenter i Vennesla vert sett i gang.",
                     attendees=["Ingrid Aasen", "Anne Gro Homme"], actor=acting(db, sponsor))
    story.tell("2015-02-10", "BP1: go. The steering group starts the pre-project.")

    team.add_goal(db, code="vdc", level="societal", text="Fleire kunnskapsarbeidsplassar i regionen", actor=acting(db, leader))
    team.add_goal(db, code="vdc", level="effect", text="Etablering av grøn datalagring i Agder",
                  indicator="nye arbeidsplassar", target="200 innan 2020", actor=acting(db, leader))
    team.add_goal(db, code="vdc", level="result", text="Ferdig regulert næringsareal på 110 daa med fiber",
                  indicator="vedteken reguleringsplan", target="2016", actor=acting(db, leader))
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="vdc", item=item, actor=acting(db, leader))
    story.tell("2015-08-31", "Goals set, project plan, budget, risk and organisation in place.")
    for org, body, ref, day in (("Vennesla", "kommunestyre", "PS 58/15", "2015-09-17"),
                                ("Kristiansand", "bystyre", "PS 112/15", "2015-09-23"),
                                ("Songdalen", "formannskap", "PS 31/15", "2015-09-29")):
        anchoring.record(db, code="vdc", org=org, body=body, ref=ref, date=_d(day), today=_d(day), actor=acting(db, leader))
        story.tell(day, f"{org}: {body} approves the main project ({ref}).")
    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-10-01"),
                                                     today=_d("2015-10-01"), actor=acting(db, sponsor)))
    story.tell("2015-10-01", f"BP2 asked for. Refused: {refusal}")
    anchoring.record(db, code="vdc", org="Iveland", body="kommunestyre", ref="PS 44/15", date=_d("2015-10-22"),
                     today=_d("2015-10-22"), actor=acting(db, leader))
    story.tell("2015-10-22", "Iveland: kommunestyre approves (PS 44/15). Every owner has anchored the project.")
    decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-11-05"), today=_d("2015-11-05"),
                     note="Hovudprosjektet vert starta.", attendees=["Ingrid Aasen", "Anne Gro Homme"], actor=acting(db, sponsor))
    story.tell("2015-11-05", "BP2: go. The main project starts.")

    ms = [milestones.add_milestone(db, code="vdc", title=t, due=_d(due), responsible=who, actor=acting(db, leader))
          for t, due, who in (("Områdeplan 3 100 daa endeleg vedteken", "2016-06-30", "Tor Egil Haugland"),
                              ("Fiberavtale til Danmark og Oslo signert", "2016-09-30", leader),
                              ("Første leigetakar har signert", "2017-03-31", sponsor))]
    checklist.tick(db, code="vdc", item="results_delivered", actor=acting(db, leader))
    done_on = ("2016-06-16", "2016-10-12", "2017-03-20")
    milestones.complete_milestone(db, code="vdc", milestone_id=ms[0].id, on=_d(done_on[0]), today=_d(done_on[0]),
                                  actor=acting(db, leader))
    story.tell(done_on[0], f"Milestone reached: {ms[0].title}.")
    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2016-07-01"),
                                                     today=_d("2016-07-01"), actor=acting(db, sponsor)))
    story.tell("2016-07-01", f"BP3 asked for early. Refused: {refusal}")
    for m, day in zip(ms[1:], done_on[1:]):
        milestones.complete_milestone(db, code="vdc", milestone_id=m.id, on=_d(day), today=_d(day), actor=acting(db, leader))
        story.tell(day, f"Milestone reached: {m.title}.")
    decisions.decide(db, code="vdc", outcome="go", by="Ingrid Aasen", date=_d("2017-04-20"), today=_d("2017-04-20"),
                     note="Resultata er leverte; over til avslutning.", attendees=[sponsor], actor=acting(db, "Ingrid Aasen"))
    story.tell("2017-04-20", "BP3: go, decided by steering group member Ingrid Aasen.")
    for item in ("handover", "final_report", "lessons_learned"):
        checklist.tick(db, code="vdc", item=item, actor=acting(db, leader))
    decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2017-09-01"), today=_d("2017-09-01"),
                     note="Sluttrapport godkjend. Prosjektet er avslutta.", actor=acting(db, sponsor))
    story.tell("2017-09-01", "BP4: go. Final report approved; the project is completed.")
    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="rework", by=sponsor,
                                                     date=_d("2017-09-02"), today=_d("2017-09-02"), actor=acting(db, sponsor)))
    story.tell("2017-09-02", f"A late change of mind? Refused: {refusal}")


def _smartskog(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones, projects, team

    db = story.db
    leader, sponsor = "Ragnhild Tveit", "Gunnar Lid"
    print("SMARTSKOG in Birkenes (smartskog): 45 forest owners, a value chain from standing timber to green products.")
    projects.create_project(db, code="smartskog", name="SMARTSKOG – berekraftig verdikjede for skog",
                            workflow="plp", owners=["Birkenes:A", "Kristiansand:B", "Iveland:C"],
                            phase="pre_project", actor=acting(db, sponsor))
    team.assign_role(db, code="smartskog", person=sponsor, role="sponsor", actor=acting(db, sponsor))
    team.assign_role(db, code="smartskog", person=leader, role="leader", actor=acting(db, sponsor))
    team.assign_role(db, code="smartskog", person="Knut Olav Reinertsen", role="steering", actor=acting(db, sponsor))
    team.assign_role(db, code="smartskog", person="Ingrid Aasen", role="reference", actor=acting(db, sponsor))
    story.tell("2015-09-01", "Starts directly in the pre-project, as PLP allows. A shared 50 % project position, "
                             "funded by Kristiansand and a regional competence fund.")
    team.add_goal(db, code="smartskog", level="effect", text="Meir verdiskaping frå skogen i Agder",
                  indicator="omsetnad i verdikjeda", target="+20 % innan 2019", actor=acting(db, leader))
    team.add_goal(db, code="smartskog", level="result", text="Forretningsplan for SMARTSKOG AS med 45 skogeigarar",
                  actor=acting(db, leader))
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="smartskog", item=item, actor=acting(db, leader))
    milestones.add_milestone(db, code="smartskog", title="Aksjeavtale med skogeigarane signert",
                             due=_d("2016-03-31"), responsible=leader, actor=acting(db, leader))
    for org, body, ref, day, outcome in (("Birkenes", "kommunestyre", "PS 20/16", "2016-01-28", "approved"),
                                         ("Kristiansand", "formannskap", "PS 9/16", "2016-02-03", "approved"),
                                         ("Iveland", "formannskap", "PS 7/16", "2016-02-10", "refused")):
        anchoring.record(db, code="smartskog", org=org, body=body, ref=ref, date=_d(day), today=_d(day),
                         outcome=outcome, actor=acting(db, leader))
        story.tell(day, f"{org}: {body} {'approves' if outcome == 'approved' else 'refuses'} ({ref}).")
    refusal = story.refused(lambda: decisions.decide(db, code="smartskog", outcome="go", by=sponsor,
                                                     date=_d("2016-02-25"), today=_d("2016-02-25"), actor=acting(db, sponsor)))
    story.tell("2016-02-25", f"BP2 asked for. Refused: {refusal}")
    decisions.decide(db, code="smartskog", outcome="rework", by=sponsor, date=_d("2016-02-25"), today=_d("2016-02-25"),
                     note="Iveland ønskjer betre grunnlag om finansieringa. Kom tilbake med nytt grunnlag.",
                     attendees=["Knut Olav Reinertsen"], actor=acting(db, sponsor))
    story.tell("2016-02-25", "BP2: rework. The project stays in the pre-project for a second round.")
    decisions.plan_gate(db, code="smartskog", date=_d("2016-06-15"), today=_d("2016-04-01"), actor=acting(db, leader))
    story.tell("2016-04-01", "The next BP2 meeting is planned for 2016-06-15; Iveland's new vote is still to come.")


def _summary(db, lang: str) -> None:
    from plp.cli.output import table
    from plp.services.common import gate_of, get_project, workflow_of
    from plp.services.projects import list_projects, show_project

    rows = []
    for row in list_projects(db):
        d = show_project(db, code=row["code"], today=dt.date.today())
        with db.unit() as uow:
            p = get_project(uow, row["code"])
            wf = workflow_of(uow, p)
            gate = gate_of(uow, p)
        rows.append((d["code"], d["name"], wf.phase_label(d["phase"], lang), wf.statuses[d["status"]].get(lang),
                     gate.decision_point.key if gate else "–", ("yes" if gate.ready else "no") if gate else "–",
                     sum(1 for m in d["milestones"] if not m["done_on"]), len(d["decisions"])))
    # The shared table: names and workflow labels are data, never rich markup.
    table(rows, ["code", "project", "phase", "status", "next decision", "ready", "milestones open", "decisions"],
          title="Kristiansandregionen – portfolio")


# ------------------------------------------------------------------ the region
