"""The second half of ``plp demo``: the region's plan, measures, network, trust and reports.

The projects go on (SMARTSKOG into its main project, a third project for the
agenda), the strategic business plan gets its joint measures, the business network
meets, two trust rounds are recorded, and every report is written into a folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from plp.demo import ADVISERS, DEMO_FOLDER, REPORT_DAY, Story, _d
from plp.services.identity import acting


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
                                  on=_d("2016-04-20"), today=_d("2016-04-20"), actor=acting(db, leader))
    story.tell("2016-04-20", "Milestone reached: the shareholder agreement with the forest owners is signed.")
    anchoring.record(db, code="smartskog", org="Iveland", body="kommunestyre", ref="PS 31/16", date=_d("2016-05-12"),
                     today=_d("2016-05-12"), actor=acting(db, leader))
    story.tell("2016-05-12", "Iveland: kommunestyre approves (PS 31/16) on the new basis.")
    decisions.decide(db, code="smartskog", outcome="go", by=sponsor, date=_d("2016-06-15"), today=_d("2016-06-15"),
                     note="Hovudprosjektet vert starta. SMARTSKOG AS vert skipa.",
                     attendees=["Knut Olav Reinertsen"], actor=acting(db, sponsor))
    story.tell("2016-06-15", "BP2, round 2: go. The main project starts.")
    ms = [milestones.add_milestone(db, code="smartskog", title=title, due=_d(due), responsible=who, actor=acting(db, leader))
          for title, due, who in (("SMARTSKOG AS er skipa med 45 skogeigarar", "2016-09-30", leader),
                                  ("Første produksjonslinje for grøne ferdigvarer er i drift", "2017-08-31",
                                   "Knut Olav Reinertsen"),
                                  ("Avtale med første industrikunde er signert", "2017-10-13", leader),
                                  ("Forretningsplan for 2018 er vedteken i styret", "2017-12-15", sponsor))]
    milestones.complete_milestone(db, code="smartskog", milestone_id=ms[0].id, on=_d("2016-09-22"),
                                  today=_d("2016-09-22"), actor=acting(db, leader))
    story.tell("2016-09-22", "Milestone reached: SMARTSKOG AS is founded by 45 forest owners.")
    checklist.tick(db, code="smartskog", item="status_reports", actor=acting(db, leader))
    decisions.plan_gate(db, code="smartskog", date=_d("2017-11-01"), today=_d("2017-09-25"), actor=acting(db, leader))
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
                            owners=["Kristiansand:A", "Lillesand:B", "Søgne:C"], phase="pre_project", actor=acting(db, sponsor))
    team.assign_role(db, code="areal", person=sponsor, role="sponsor", actor=acting(db, sponsor))
    team.assign_role(db, code="areal", person=leader, role="leader", actor=acting(db, sponsor))
    team.add_goal(db, code="areal", level="effect", text="Kortare tid frå første førespurnad til etablering",
                  indicator="dagar frå førespurnad til tomtetilbod", target="under 30", actor=acting(db, leader))
    team.add_goal(db, code="areal", level="result", text="Felles kartportal over ledig næringsareal i sju kommunar",
                  actor=acting(db, leader))
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="areal", item=item, actor=acting(db, leader))
    story.tell("2017-05-10", "Starts in the pre-project; owners Kristiansand (A), Lillesand (B) and Søgne (C).")
    milestones.add_milestone(db, code="areal", title="Datagrunnlag frå alle sju kommunane er samla",
                             due=_d("2017-09-15"), responsible="Liv Ragnhild Skaar", actor=acting(db, leader))
    for org, body, ref, day in (("Kristiansand", "bystyre", "PS 88/17", "2017-06-14"),
                                ("Lillesand", "formannskap", "PS 41/17", "2017-09-20")):
        anchoring.record(db, code="areal", org=org, body=body, ref=ref, date=_d(day), today=_d(day), actor=acting(db, leader))
        story.tell(day, f"{org}: {body} approves ({ref}).")
    decisions.plan_gate(db, code="areal", date=_d("2017-10-26"), today=_d("2017-09-21"), actor=acting(db, leader))
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
                   now=_at("2015-01-12"), actor=acting(db, "Ingrid Aasen"))
    for title, responsible, supporting, _, _ in PLAN_MEASURES:
        plans.add_measure(db, plan="snp", title=title, responsible=responsible, supporting=supporting,
                          now=_at("2015-01-12"), actor=acting(db, "Ingrid Aasen"))
    story.tell("2015-01-12", f"Strategic business plan 2015–2019 (snp) with {len(PLAN_MEASURES)} joint measures, "
                             "each followed up by one municipality with support from others.")
    for i, (title, responsible, _, project, updates) in enumerate(PLAN_MEASURES, 1):
        if project:
            plans.link_measure(db, measure=str(i), project=project, now=_at(updates[0][0]), actor=acting(db, "Ingrid Aasen"))
        for day, status, note in updates:
            plans.set_measure_status(db, measure=str(i), status=status, note=note, now=_at(day), actor=acting(db, "Ingrid Aasen"))

    def answer(rnd: str, day: str, scores: list[str], comments: dict[int, str]) -> None:
        for i, ((name, _, _), score) in enumerate(zip(ADVISERS, scores)):
            trust.record(db, round=rnd, respondent=name, scores=score, comment=comments.get(i), on=_d(day),
                         today=_d(day), now=_at(day), actor=acting(db, name))
        story.tell(day, f"Trust check, round {rnd}: all {len(scores)} business advisers answer.")

    answer(*TRUST_ROUNDS[0])
    present = [name for name, _, org in ADVISERS if org != "Songdalen"]
    network.record_meeting(db, date=_d("2017-08-24"), today=_d("2017-08-24"), attendees=present,
                           note="Gjennomgang av fellestiltaka og tillitsmålinga.", now=_at("2017-08-24"),
                           actor=acting(db, "Ingrid Aasen"))
    story.tell("2017-08-24", f"The business network meets ({len(present)} of {len(ADVISERS)} advisers).")
    story.tell("2017-09-20", "The measures are linked to vdc, smartskog and areal; the data centre measure is done. "
                             "Lillesand's hosting programme has not moved since 2015.")
    answer(*TRUST_ROUNDS[1])
    t = Labels("en")
    flagged = [f for f in trust.report(db)["factors"] if f["flag"]]
    story.tell(TRUST_ROUNDS[1][1], "Flagged: " + "; ".join(
        f"{t('factor_' + f['factor']).lower()} (mean {f['mean']:.2f}, change {f['change']:+.2f})"
        for f in flagged) + ".")


STATUS_OF = ["smartskog", "areal", "vdc"]
TIMELINE_OF = ["smartskog", "vdc"]


def report_folder(db, output: str | None, *, force: bool = False) -> Path:
    """Where the demo's reports go; refused at once if a file there may not be overwritten."""
    from plp.reports.bundle import check_folder

    if output:
        folder = Path(output).expanduser()
    else:
        folder = (db.sqlite_path.parent if db.sqlite_path else Path.cwd()) / DEMO_FOLDER
    check_folder(folder, status_of=STATUS_OF, timeline_of=TIMELINE_OF, force=force)
    return folder


def _write_reports(db, folder: Path, *, force: bool = False) -> Path:
    from plp.reports.bundle import write_all
    from plp.reports.labels import report_lang

    lang = report_lang(None)
    files = write_all(db, folder, now=_at(REPORT_DAY), lang=lang, status_of=STATUS_OF,
                      timeline_of=TIMELINE_OF, force=force)
    print(f"Reports for the network meeting after {REPORT_DAY}, in {'nynorsk' if lang == 'nn' else lang} "
          f"(PLP_LANG or --lang on each command for another language):")
    for f in files:
        print(f"  {f.name}")
    return folder
