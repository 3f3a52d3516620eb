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

from plp.errors import PlpError

if TYPE_CHECKING:
    from plp.cli.state import State

DEMO_FILE = "plp-demo.db"
DEMO_FOLDER = "plp-demo"  # the reports, beside the demo database
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


def run(st: "State", *, lang: str = "en", output: str | None = None) -> None:
    from sqlmodel import select

    from plp.cli.workflows import check_lang
    from plp.db import Database
    from plp.models import Org, Project

    lang = check_lang(lang)
    target = _target(st)
    db = Database(target)
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
    _smartskog_main_project(story)
    print()
    _area_portal(story)
    print()
    _region(story)
    print()
    _summary(db, lang)
    print()
    folder = _write_reports(db, target, output)
    print()
    print(f"The example is in {db.display.removeprefix('sqlite:///')}. Look around:")
    shown = target if target != DEMO_FILE else DEMO_FILE
    print(f"  plp --db {shown} project show vdc")
    print(f"  plp --db {shown} project history smartskog")
    print(f"  plp --db {shown} gate status smartskog")
    print(f"  plp --db {shown} measure list")
    print(f"  plp --db {shown} trust report")
    print(f"  plp --db {shown} network agenda --now {REPORT_DAY}")
    print(f"The reports are in {folder}/")


def _directory(db) -> None:
    from plp.services.directory import add_org, add_person

    for name in MUNICIPALITIES:
        add_org(db, name=name, kind="municipality", actor="demo")
    add_org(db, name="Vest-Agder fylkeskommune", kind="county", actor="demo")
    add_org(db, name="SMARTSKOG AS", kind="company", actor="demo")
    for name, email, org in ADVISERS + LEADERS:
        add_person(db, name=name, email=email, org=org, lang="nn", actor="demo")
    print(f"The business network: {len(ADVISERS)} business advisers, one from each municipality.")


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _data_centre(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones, projects, team

    db, lang = story.db, story.lang
    leader, sponsor = "Eirik Sæther", "Hanne Bakken"
    print("Green data-storage centre in Vennesla (vdc): a 110 daa zoned area, fibre to Denmark and Oslo.")
    projects.create_project(db, code="vdc", name="Grønt datasenter Vennesla", workflow="plp",
                            owners=["Vennesla:A", "Kristiansand:B", "Songdalen:C", "Iveland:C"], actor=leader)
    team.assign_role(db, code="vdc", person=sponsor, role="sponsor", actor=leader)
    team.assign_role(db, code="vdc", person=leader, role="leader", actor=sponsor)
    for who in ("Ingrid Aasen", "Anne Gro Homme"):
        team.assign_role(db, code="vdc", person=who, role="steering", actor=sponsor)
    story.tell("2015-01-20", "Created in the idea phase; owners Vennesla (A), Kristiansand (B), Songdalen and Iveland (C).")

    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-02-03"),
                                                     today=_d("2015-02-03"), actor=sponsor))
    story.tell("2015-02-03", f"The sponsor tries BP1 too early. Refused: {refusal}")
    for item in ("idea_sketch", "owners_identified"):
        checklist.tick(db, code="vdc", item=item, actor=leader)
    decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-02-10"), today=_d("2015-02-10"),
                     note="Forprosjekt for datasenter i Vennesla vert sett i gang.",
                     attendees=["Ingrid Aasen", "Anne Gro Homme"], actor=sponsor)
    story.tell("2015-02-10", "BP1: go. The steering group starts the pre-project.")

    team.add_goal(db, code="vdc", level="societal", text="Fleire kunnskapsarbeidsplassar i regionen", actor=leader)
    team.add_goal(db, code="vdc", level="effect", text="Etablering av grøn datalagring i Agder",
                  indicator="nye arbeidsplassar", target="200 innan 2020", actor=leader)
    team.add_goal(db, code="vdc", level="result", text="Ferdig regulert næringsareal på 110 daa med fiber",
                  indicator="vedteken reguleringsplan", target="2016", actor=leader)
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="vdc", item=item, actor=leader)
    story.tell("2015-08-31", "Goals set, project plan, budget, risk and organisation in place.")
    for org, body, ref, day in (("Vennesla", "kommunestyre", "PS 58/15", "2015-09-17"),
                                ("Kristiansand", "bystyre", "PS 112/15", "2015-09-23"),
                                ("Songdalen", "formannskap", "PS 31/15", "2015-09-29")):
        anchoring.record(db, code="vdc", org=org, body=body, ref=ref, date=_d(day), today=_d(day), actor=leader)
        story.tell(day, f"{org}: {body} approves the main project ({ref}).")
    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-10-01"),
                                                     today=_d("2015-10-01"), actor=sponsor))
    story.tell("2015-10-01", f"BP2 asked for. Refused: {refusal}")
    anchoring.record(db, code="vdc", org="Iveland", body="kommunestyre", ref="PS 44/15", date=_d("2015-10-22"),
                     today=_d("2015-10-22"), actor=leader)
    story.tell("2015-10-22", "Iveland: kommunestyre approves (PS 44/15). Every owner has anchored the project.")
    decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2015-11-05"), today=_d("2015-11-05"),
                     note="Hovudprosjektet vert starta.", attendees=["Ingrid Aasen", "Anne Gro Homme"], actor=sponsor)
    story.tell("2015-11-05", "BP2: go. The main project starts.")

    ms = [milestones.add_milestone(db, code="vdc", title=t, due=_d(due), responsible=who, actor=leader)
          for t, due, who in (("Områdeplan 3 100 daa endeleg vedteken", "2016-06-30", "Tor Egil Haugland"),
                              ("Fiberavtale til Danmark og Oslo signert", "2016-09-30", leader),
                              ("Første leigetakar har signert", "2017-03-31", sponsor))]
    checklist.tick(db, code="vdc", item="results_delivered", actor=leader)
    done_on = ("2016-06-16", "2016-10-12", "2017-03-20")
    milestones.complete_milestone(db, code="vdc", milestone_id=ms[0].id, on=_d(done_on[0]), today=_d(done_on[0]),
                                  actor=leader)
    story.tell(done_on[0], f"Milestone reached: {ms[0].title}.")
    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2016-07-01"),
                                                     today=_d("2016-07-01"), actor=sponsor))
    story.tell("2016-07-01", f"BP3 asked for early. Refused: {refusal}")
    for m, day in zip(ms[1:], done_on[1:]):
        milestones.complete_milestone(db, code="vdc", milestone_id=m.id, on=_d(day), today=_d(day), actor=leader)
        story.tell(day, f"Milestone reached: {m.title}.")
    decisions.decide(db, code="vdc", outcome="go", by="Ingrid Aasen", date=_d("2017-04-20"), today=_d("2017-04-20"),
                     note="Resultata er leverte; over til avslutning.", attendees=[sponsor], actor="Ingrid Aasen")
    story.tell("2017-04-20", "BP3: go, decided by steering group member Ingrid Aasen.")
    for item in ("handover", "final_report", "lessons_learned"):
        checklist.tick(db, code="vdc", item=item, actor=leader)
    decisions.decide(db, code="vdc", outcome="go", by=sponsor, date=_d("2017-09-01"), today=_d("2017-09-01"),
                     note="Sluttrapport godkjend. Prosjektet er avslutta.", actor=sponsor)
    story.tell("2017-09-01", "BP4: go. Final report approved; the project is completed.")
    refusal = story.refused(lambda: decisions.decide(db, code="vdc", outcome="rework", by=sponsor,
                                                     date=_d("2017-09-02"), today=_d("2017-09-02"), actor=sponsor))
    story.tell("2017-09-02", f"A late change of mind? Refused: {refusal}")


def _smartskog(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones, projects, team

    db = story.db
    leader, sponsor = "Ragnhild Tveit", "Gunnar Lid"
    print("SMARTSKOG in Birkenes (smartskog): 45 forest owners, a value chain from standing timber to green products.")
    projects.create_project(db, code="smartskog", name="SMARTSKOG – berekraftig verdikjede for skog",
                            workflow="plp", owners=["Birkenes:A", "Kristiansand:B", "Iveland:C"],
                            phase="pre_project", actor=sponsor)
    team.assign_role(db, code="smartskog", person=sponsor, role="sponsor", actor=sponsor)
    team.assign_role(db, code="smartskog", person=leader, role="leader", actor=sponsor)
    team.assign_role(db, code="smartskog", person="Knut Olav Reinertsen", role="steering", actor=sponsor)
    team.assign_role(db, code="smartskog", person="Ingrid Aasen", role="reference", actor=sponsor)
    story.tell("2015-09-01", "Starts directly in the pre-project, as PLP allows. A shared 50 % project position, "
                             "funded by Kristiansand and a regional competence fund.")
    team.add_goal(db, code="smartskog", level="effect", text="Meir verdiskaping frå skogen i Agder",
                  indicator="omsetnad i verdikjeda", target="+20 % innan 2019", actor=leader)
    team.add_goal(db, code="smartskog", level="result", text="Forretningsplan for SMARTSKOG AS med 45 skogeigarar",
                  actor=leader)
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="smartskog", item=item, actor=leader)
    milestones.add_milestone(db, code="smartskog", title="Aksjeavtale med skogeigarane signert",
                             due=_d("2016-03-31"), responsible=leader, actor=leader)
    for org, body, ref, day, outcome in (("Birkenes", "kommunestyre", "PS 20/16", "2016-01-28", "approved"),
                                         ("Kristiansand", "formannskap", "PS 9/16", "2016-02-03", "approved"),
                                         ("Iveland", "formannskap", "PS 7/16", "2016-02-10", "refused")):
        anchoring.record(db, code="smartskog", org=org, body=body, ref=ref, date=_d(day), today=_d(day),
                         outcome=outcome, actor=leader)
        story.tell(day, f"{org}: {body} {'approves' if outcome == 'approved' else 'refuses'} ({ref}).")
    refusal = story.refused(lambda: decisions.decide(db, code="smartskog", outcome="go", by=sponsor,
                                                     date=_d("2016-02-25"), today=_d("2016-02-25"), actor=sponsor))
    story.tell("2016-02-25", f"BP2 asked for. Refused: {refusal}")
    decisions.decide(db, code="smartskog", outcome="rework", by=sponsor, date=_d("2016-02-25"), today=_d("2016-02-25"),
                     note="Iveland ønskjer betre grunnlag om finansieringa. Kom tilbake med nytt grunnlag.",
                     attendees=["Knut Olav Reinertsen"], actor=sponsor)
    story.tell("2016-02-25", "BP2: rework. The project stays in the pre-project for a second round.")
    decisions.plan_gate(db, code="smartskog", date=_d("2016-06-15"), today=_d("2016-04-01"), actor=leader)
    story.tell("2016-04-01", "The next BP2 meeting is planned for 2016-06-15; Iveland's new vote is still to come.")


def _summary(db, lang: str) -> None:
    from rich.table import Table

    from plp.cli.output import console
    from plp.services.common import gate_of, get_project, workflow_of
    from plp.services.projects import list_projects, show_project

    t = Table(title="Kristiansandregionen – portfolio", title_justify="left", header_style="bold")
    for col in ("code", "project", "phase", "status", "next decision", "ready", "milestones open", "decisions"):
        t.add_column(col, overflow="fold")
    for row in list_projects(db):
        d = show_project(db, code=row["code"], today=dt.date.today())
        with db.unit() as uow:
            p = get_project(uow, row["code"])
            wf = workflow_of(uow, p)
            gate = gate_of(uow, p)
        t.add_row(d["code"], d["name"], wf.phase_label(d["phase"], lang), wf.statuses[d["status"]].get(lang),
                  gate.decision_point.key if gate else "–",
                  ("yes" if gate.ready else "no") if gate else "–",
                  str(sum(1 for m in d["milestones"] if not m["done_on"])), str(len(d["decisions"])))
    console().print(t)


# ------------------------------------------------------------------ the region


def _at(day: str) -> dt.datetime:
    """Noon of a story day, in the local time zone."""
    from plp.dates import local_tz

    return dt.datetime.combine(_d(day), dt.time(12, 0), tzinfo=local_tz())


def _smartskog_main_project(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones

    db = story.db
    leader, sponsor = "Ragnhild Tveit", "Gunnar Lid"
    print("SMARTSKOG goes on.")
    milestones.complete_milestone(db, code="smartskog", milestone_id=_first_open(db, "smartskog"),
                                  on=_d("2016-04-20"), today=_d("2016-04-20"), actor=leader)
    story.tell("2016-04-20", "Milestone reached: the shareholder agreement with the forest owners is signed.")
    anchoring.record(db, code="smartskog", org="Iveland", body="kommunestyre", ref="PS 31/16", date=_d("2016-05-12"),
                     today=_d("2016-05-12"), actor=leader)
    story.tell("2016-05-12", "Iveland: kommunestyre approves (PS 31/16) on the new basis.")
    decisions.decide(db, code="smartskog", outcome="go", by=sponsor, date=_d("2016-06-15"), today=_d("2016-06-15"),
                     note="Hovudprosjektet vert starta. SMARTSKOG AS vert skipa.",
                     attendees=["Knut Olav Reinertsen"], actor=sponsor)
    story.tell("2016-06-15", "BP2, round 2: go. The main project starts.")
    ms = [milestones.add_milestone(db, code="smartskog", title=title, due=_d(due), responsible=who, actor=leader)
          for title, due, who in (("SMARTSKOG AS er skipa med 45 skogeigarar", "2016-09-30", leader),
                                  ("Første produksjonslinje for grøne ferdigvarer er i drift", "2017-08-31",
                                   "Knut Olav Reinertsen"),
                                  ("Avtale med første industrikunde er signert", "2017-10-13", leader),
                                  ("Forretningsplan for 2018 er vedteken i styret", "2017-12-15", sponsor))]
    milestones.complete_milestone(db, code="smartskog", milestone_id=ms[0].id, on=_d("2016-09-22"),
                                  today=_d("2016-09-22"), actor=leader)
    story.tell("2016-09-22", "Milestone reached: SMARTSKOG AS is founded by 45 forest owners.")
    checklist.tick(db, code="smartskog", item="status_reports", actor=leader)
    decisions.plan_gate(db, code="smartskog", date=_d("2017-11-01"), today=_d("2017-09-25"), actor=leader)
    story.tell("2017-09-25", "BP3 is planned for 2017-11-01, though the first production line is a month late.")


def _first_open(db, code: str) -> int:
    from plp.services.milestones import list_milestones

    return next(m["id"] for m in list_milestones(db, code=code, overdue=False, today=_d(REPORT_DAY))
                if not m["done_on"])


def _area_portal(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones, projects, team

    db = story.db
    leader, sponsor = "Sigurd Fjeld", "Ingrid Aasen"
    print("A regional overview of business land (areal): one map of free business land in all seven municipalities.")
    projects.create_project(db, code="areal", name="Næringsarealportalen", workflow="plp",
                            owners=["Kristiansand:A", "Lillesand:B", "Søgne:C"], phase="pre_project", actor=sponsor)
    team.assign_role(db, code="areal", person=sponsor, role="sponsor", actor=sponsor)
    team.assign_role(db, code="areal", person=leader, role="leader", actor=sponsor)
    team.add_goal(db, code="areal", level="effect", text="Kortare tid frå første førespurnad til etablering",
                  indicator="dagar frå førespurnad til tomtetilbod", target="under 30", actor=leader)
    team.add_goal(db, code="areal", level="result", text="Felles kartportal over ledig næringsareal i sju kommunar",
                  actor=leader)
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="areal", item=item, actor=leader)
    story.tell("2017-05-10", "Starts in the pre-project; owners Kristiansand (A), Lillesand (B) and Søgne (C).")
    milestones.add_milestone(db, code="areal", title="Datagrunnlag frå alle sju kommunane er samla",
                             due=_d("2017-09-15"), responsible="Liv Ragnhild Skaar", actor=leader)
    for org, body, ref, day in (("Kristiansand", "bystyre", "PS 88/17", "2017-06-14"),
                                ("Lillesand", "formannskap", "PS 41/17", "2017-09-20")):
        anchoring.record(db, code="areal", org=org, body=body, ref=ref, date=_d(day), today=_d(day), actor=leader)
        story.tell(day, f"{org}: {body} approves ({ref}).")
    decisions.plan_gate(db, code="areal", date=_d("2017-10-26"), today=_d("2017-09-21"), actor=leader)
    story.tell("2017-09-21", "BP2 is planned for 2017-10-26. Søgne has not voted yet.")


PLAN_MEASURES = [  # (title, responsible, supporting, linked project, [(day, status, note)])
    ("Grøn datalagring og datasenteretablering i Vennesla", "Vennesla", ["Kristiansand", "Songdalen", "Iveland"],
     "vdc", [("2015-02-10", "in_progress", None), ("2017-09-05", "done", "Datasenteret er etablert; sjå sluttrapport.")]),
    ("Berekraftig verdikjede for skog (SMARTSKOG)", "Birkenes", ["Kristiansand", "Iveland", "Lillesand"], "smartskog",
     [("2016-06-16", "in_progress", None),
      ("2017-09-12", "in_progress", "Første produksjonslinje er forseinka; ny framdriftsplan i oktober.")]),
    ("Felles oversikt over ledig næringsareal", "Kristiansand", ["Søgne", "Lillesand", "Songdalen"], "areal",
     [("2017-05-10", "in_progress", "Forprosjektet Næringsarealportalen er starta.")]),
    ("Vertskapsprogram for nye verksemder i regionen", "Lillesand", ["Søgne", "Birkenes"], None, []),
]

TRUST_ROUNDS = [  # (round, date, scores per adviser in ADVISERS order, {adviser index: comment})
    ("2016", "2016-11-15", ["4,4,4,4,3", "4,4,5,3,3", "4,4,4,4,4", "4,3,4,3,3", "4,4,4,4,3", "4,4,4,3,3", "4,4,4,4,3"],
     {}),
    ("2017", "2017-09-28", ["4,3,4,4,3", "5,3,4,4,3", "4,4,4,4,3", "4,3,4,3,3", "4,2,4,4,2", "4,3,4,3,3", "4,4,4,4,3"],
     {4: "Forankringa i kommunestyra kjem for seint i prosessane.",
      1: "Rammene for samarbeidet bør avklarast i ein ny samarbeidsavtale."}),
]


def _region(story: Story) -> None:
    from plp.reports.labels import Labels
    from plp.services import network, plans, trust

    db = story.db
    print("The region's view: one plan, joint measures, the business network and its trust.")
    plans.add_plan(db, code="snp", title="Strategisk næringsplan for Kristiansandregionen", period="2015-2019",
                   now=_at("2015-01-12"), actor="Ingrid Aasen")
    for title, responsible, supporting, _, _ in PLAN_MEASURES:
        plans.add_measure(db, plan="snp", title=title, responsible=responsible, supporting=supporting,
                          now=_at("2015-01-12"), actor="Ingrid Aasen")
    story.tell("2015-01-12", f"Strategic business plan 2015–2019 (snp) with {len(PLAN_MEASURES)} joint measures, "
                             "each followed up by one municipality with support from others.")
    for i, (title, responsible, _, project, updates) in enumerate(PLAN_MEASURES, 1):
        if project:
            plans.link_measure(db, measure=str(i), project=project, now=_at(updates[0][0]), actor="Ingrid Aasen")
        for day, status, note in updates:
            plans.set_measure_status(db, measure=str(i), status=status, note=note, now=_at(day), actor="Ingrid Aasen")

    def answer(rnd: str, day: str, scores: list[str], comments: dict[int, str]) -> None:
        for i, ((name, _, _), score) in enumerate(zip(ADVISERS, scores)):
            trust.record(db, round=rnd, respondent=name, scores=score, comment=comments.get(i), on=_d(day),
                         today=_d(day), now=_at(day), actor=name)
        story.tell(day, f"Trust check, round {rnd}: all {len(scores)} business advisers answer.")

    answer(*TRUST_ROUNDS[0])
    present = [name for name, _, org in ADVISERS if org != "Songdalen"]
    network.record_meeting(db, date=_d("2017-08-24"), today=_d("2017-08-24"), attendees=present,
                           note="Gjennomgang av fellestiltaka og tillitsmålinga.", now=_at("2017-08-24"),
                           actor="Ingrid Aasen")
    story.tell("2017-08-24", f"The business network meets ({len(present)} of {len(ADVISERS)} advisers).")
    story.tell("2017-09-20", "The measures are linked to vdc, smartskog and areal; the data centre measure is done. "
                             "Lillesand's hosting programme has not moved since 2015.")
    answer(*TRUST_ROUNDS[1])
    t = Labels("en")
    flagged = [f for f in trust.report(db)["factors"] if f["flag"]]
    story.tell(TRUST_ROUNDS[1][1], "Flagged: " + "; ".join(
        f"{t('factor_' + f['factor']).lower()} (mean {f['mean']:.2f}, change {f['change']:+.2f})"
        for f in flagged) + ".")


def _write_reports(db, target: str, output: str | None) -> Path:
    from plp.db import resolve_target
    from plp.reports.bundle import write_all
    from plp.reports.labels import report_lang

    if output:
        folder = Path(output).expanduser()
    else:
        url = resolve_target(target)
        base = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else Path.cwd()
        folder = base / DEMO_FOLDER
    lang = report_lang(None)
    files = write_all(db, folder, now=_at(REPORT_DAY), lang=lang, status_of=["smartskog", "areal", "vdc"],
                      timeline_of=["smartskog", "vdc"])
    print(f"Reports for the network meeting after {REPORT_DAY}, in {'nynorsk' if lang == 'nn' else lang} "
          f"(PLP_LANG or --lang on each command for another language):")
    for f in files:
        print(f"  {f.name}")
    return folder
