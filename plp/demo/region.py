"""Chapter: the region's view: the area portal project, one plan with joint measures,
the business network's meeting and its two trust rounds."""

from __future__ import annotations

from plp.services.identity import acting
from plp.demo.narrator import Story, day, noon, say
from plp.demo.people import ADVISERS

PLAN_MEASURES = [  # (title, responsible, supporting, linked project, [(day, status, note)])
    ("Grøn datalagring og datasenteretablering i Vennesla", "Vennesla", ["Kristiansand", "Songdalen", "Iveland"],
     "vdc", [("2015-02-10", "in_progress", None),
             ("2017-09-05", "done", "Datasenteret er etablert; sjå sluttrapport.")]),
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

PLANNER = "Ingrid Aasen"  # keeps the plan and its measures


def area_portal(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones, projects, team

    db = story.db
    leader, sponsor = "Sigurd Fjeld", "Ingrid Aasen"
    say("A regional overview of business land (areal): one map of free business land in all seven municipalities.")
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
                             due=day("2017-09-15"), responsible="Liv Ragnhild Skaar", actor=acting(db, leader))
    for org, body, ref, when in (("Kristiansand", "bystyre", "PS 88/17", "2017-06-14"),
                                 ("Lillesand", "formannskap", "PS 41/17", "2017-09-20")):
        anchoring.record(db, code="areal", org=org, body=body, ref=ref, date=day(when), today=day(when), actor=acting(db, leader))
        story.tell(when, f"{org}: {body} approves ({ref}).")
    decisions.plan_gate(db, code="areal", date=day("2017-10-26"), today=day("2017-09-21"), actor=acting(db, leader))
    story.tell("2017-09-21", "BP2 is planned for 2017-10-26. Søgne has not voted yet.")


def region(story: Story) -> None:
    say("The region's view: one plan, joint measures, the business network and its trust.")
    _plan(story)
    _answer(story, *TRUST_ROUNDS[0])
    _network_meets(story)
    _answer(story, *TRUST_ROUNDS[1])
    _flagged(story)


def _plan(story: Story) -> None:
    from plp.services import plans

    db = story.db
    plans.add_plan(db, code="snp", title="Strategisk næringsplan for Kristiansandregionen", period="2015-2019",
                   now=noon("2015-01-12"), actor=acting(db, PLANNER))
    for title, responsible, supporting, _, _ in PLAN_MEASURES:
        plans.add_measure(db, plan="snp", title=title, responsible=responsible, supporting=supporting,
                          now=noon("2015-01-12"), actor=acting(db, PLANNER))
    story.tell("2015-01-12", f"Strategic business plan 2015–2019 (snp) with {len(PLAN_MEASURES)} joint measures, "
                             "each followed up by one municipality with support from others.")
    for i, (_, _, _, project, updates) in enumerate(PLAN_MEASURES, 1):
        if project:
            plans.link_measure(db, measure=str(i), project=project, now=noon(updates[0][0]), actor=acting(db, PLANNER))
        for when, status, note in updates:
            plans.set_measure_status(db, measure=str(i), status=status, note=note, now=noon(when), actor=acting(db, PLANNER))


def _answer(story: Story, rnd: str, when: str, scores: list[str], comments: dict[int, str]) -> None:
    from plp.services import trust

    for i, ((name, _, _), score) in enumerate(zip(ADVISERS, scores)):
        trust.record(story.db, round=rnd, respondent=name, scores=score, comment=comments.get(i), on=day(when),
                     today=day(when), now=noon(when), actor=acting(story.db, name))
    story.tell(when, f"Trust check, round {rnd}: all {len(scores)} business advisers answer.")


def _network_meets(story: Story) -> None:
    from plp.services import network

    present = [name for name, _, org in ADVISERS if org != "Songdalen"]
    network.record_meeting(story.db, date=day("2017-08-24"), today=day("2017-08-24"), attendees=present,
                           note="Gjennomgang av fellestiltaka og tillitsmålinga.", now=noon("2017-08-24"),
                           actor=acting(story.db, PLANNER))
    story.tell("2017-08-24", f"The business network meets ({len(present)} of {len(ADVISERS)} advisers).")
    story.tell("2017-09-20", "The measures are linked to vdc, smartskog and areal; the data centre measure is done. "
                             "Lillesand's hosting programme has not moved since 2015.")


def _flagged(story: Story) -> None:
    from plp.services import trust
    from plp.texts import Labels

    t = Labels("en")
    flagged = [f for f in trust.report(story.db).factors if f.flag]
    story.tell(TRUST_ROUNDS[1][1], "Flagged: " + "; ".join(
        f"{t('factor_' + f.factor).lower()} (mean {f.mean:.2f}, change {f.change:+.2f})"
        for f in flagged) + ".")
