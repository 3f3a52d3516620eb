"""Chapter: the green data-storage centre in Vennesla (vdc), from idea to completion.

Told in four steps, one per phase, each showing what the method refuses there.
"""

from __future__ import annotations

from plp.services.identity import acting
from plp.demo.narrator import Story, day, say

LEADER, SPONSOR = "Eirik Sæther", "Hanne Bakken"
STEERING = ["Ingrid Aasen", "Anne Gro Homme"]


def data_centre(story: Story) -> None:
    say("Green data-storage centre in Vennesla (vdc): a 110 daa zoned area, fibre to Denmark and Oslo.")
    _idea(story)
    _pre_project(story)
    _main_project(story)
    _closing(story)


def _try_go(story: Story, when: str, outcome: str = "go") -> str:
    """Ask for a decision the method must refuse on ``when``; the refusal."""
    from plp.services import decisions

    return story.refused(lambda: decisions.decide(story.db, code="vdc", outcome=outcome, by=SPONSOR, date=day(when),
                                                  today=day(when), actor=acting(story.db, SPONSOR)))


def _idea(story: Story) -> None:
    from plp.services import checklist, decisions, projects, team

    db = story.db
    projects.create_project(db, code="vdc", name="Grønt datasenter Vennesla", workflow="plp",
                            owners=["Vennesla:A", "Kristiansand:B", "Songdalen:C", "Iveland:C"], actor=acting(db, LEADER))
    team.assign_role(db, code="vdc", person=SPONSOR, role="sponsor", actor=acting(db, LEADER))
    team.assign_role(db, code="vdc", person=LEADER, role="leader", actor=acting(db, SPONSOR))
    for who in STEERING:
        team.assign_role(db, code="vdc", person=who, role="steering", actor=acting(db, SPONSOR))
    story.tell("2015-01-20", "Created in the idea phase; owners Vennesla (A), Kristiansand (B), "
                             "Songdalen and Iveland (C).")
    story.tell("2015-02-03", f"The sponsor tries BP1 too early. Refused: {_try_go(story, '2015-02-03')}")
    for item in ("idea_sketch", "owners_identified"):
        checklist.tick(db, code="vdc", item=item, actor=acting(db, LEADER))
    decisions.decide(db, code="vdc", outcome="go", by=SPONSOR, date=day("2015-02-10"), today=day("2015-02-10"),
                     note="Forprosjekt for datasenter i Vennesla vert sett i gang.", attendees=STEERING, actor=acting(db, SPONSOR))
    story.tell("2015-02-10", "BP1: go. The steering group starts the pre-project.")


def _pre_project(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, team

    db = story.db
    team.add_goal(db, code="vdc", level="societal", text="Fleire kunnskapsarbeidsplassar i regionen", actor=acting(db, LEADER))
    team.add_goal(db, code="vdc", level="effect", text="Etablering av grøn datalagring i Agder",
                  indicator="nye arbeidsplassar", target="200 innan 2020", actor=acting(db, LEADER))
    team.add_goal(db, code="vdc", level="result", text="Ferdig regulert næringsareal på 110 daa med fiber",
                  indicator="vedteken reguleringsplan", target="2016", actor=acting(db, LEADER))
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="vdc", item=item, actor=acting(db, LEADER))
    story.tell("2015-08-31", "Goals set, project plan, budget, risk and organisation in place.")
    for org, body, ref, when in (("Vennesla", "kommunestyre", "PS 58/15", "2015-09-17"),
                                 ("Kristiansand", "bystyre", "PS 112/15", "2015-09-23"),
                                 ("Songdalen", "formannskap", "PS 31/15", "2015-09-29")):
        anchoring.record(db, code="vdc", org=org, body=body, ref=ref, date=day(when), today=day(when), actor=acting(db, LEADER))
        story.tell(when, f"{org}: {body} approves the main project ({ref}).")
    story.tell("2015-10-01", f"BP2 asked for. Refused: {_try_go(story, '2015-10-01')}")
    anchoring.record(db, code="vdc", org="Iveland", body="kommunestyre", ref="PS 44/15", date=day("2015-10-22"),
                     today=day("2015-10-22"), actor=acting(db, LEADER))
    story.tell("2015-10-22", "Iveland: kommunestyre approves (PS 44/15). Every owner has anchored the project.")
    decisions.decide(db, code="vdc", outcome="go", by=SPONSOR, date=day("2015-11-05"), today=day("2015-11-05"),
                     note="Hovudprosjektet vert starta.", attendees=STEERING, actor=acting(db, SPONSOR))
    story.tell("2015-11-05", "BP2: go. The main project starts.")


def _main_project(story: Story) -> None:
    from plp.services import checklist, decisions, milestones

    db = story.db
    ms = [milestones.add_milestone(db, code="vdc", title=t, due=day(due), responsible=who, actor=acting(db, LEADER))
          for t, due, who in (("Områdeplan 3 100 daa endeleg vedteken", "2016-06-30", "Tor Egil Haugland"),
                              ("Fiberavtale til Danmark og Oslo signert", "2016-09-30", LEADER),
                              ("Første leigetakar har signert", "2017-03-31", SPONSOR))]
    checklist.tick(db, code="vdc", item="results_delivered", actor=acting(db, LEADER))
    done_on = ("2016-06-16", "2016-10-12", "2017-03-20")
    milestones.complete_milestone(db, code="vdc", milestone_id=ms[0].id, on=day(done_on[0]), today=day(done_on[0]),
                                  actor=acting(db, LEADER))
    story.tell(done_on[0], f"Milestone reached: {ms[0].title}.")
    story.tell("2016-07-01", f"BP3 asked for early. Refused: {_try_go(story, '2016-07-01')}")
    for m, when in zip(ms[1:], done_on[1:]):
        milestones.complete_milestone(db, code="vdc", milestone_id=m.id, on=day(when), today=day(when), actor=acting(db, LEADER))
        story.tell(when, f"Milestone reached: {m.title}.")
    decisions.decide(db, code="vdc", outcome="go", by="Ingrid Aasen", date=day("2017-04-20"), today=day("2017-04-20"),
                     note="Resultata er leverte; over til avslutning.", attendees=[SPONSOR], actor=acting(db, "Ingrid Aasen"))
    story.tell("2017-04-20", "BP3: go, decided by steering group member Ingrid Aasen.")


def _closing(story: Story) -> None:
    from plp.services import checklist, decisions

    db = story.db
    for item in ("handover", "final_report", "lessons_learned"):
        checklist.tick(db, code="vdc", item=item, actor=acting(db, LEADER))
    decisions.decide(db, code="vdc", outcome="go", by=SPONSOR, date=day("2017-09-01"), today=day("2017-09-01"),
                     note="Sluttrapport godkjend. Prosjektet er avslutta.", actor=acting(db, SPONSOR))
    story.tell("2017-09-01", "BP4: go. Final report approved; the project is completed.")
    story.tell("2017-09-02", f"A late change of mind? Refused: {_try_go(story, '2017-09-02', 'rework')}")
