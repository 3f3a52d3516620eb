"""Chapter: SMARTSKOG in Birkenes (smartskog): a pre-project that needs a second round, then its main project."""

from __future__ import annotations

from plp.services.identity import acting
from plp.db import Database
from plp.demo.narrator import REPORT_DAY, Story, day, say


def smartskog(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones, projects, team

    db = story.db
    leader, sponsor = "Ragnhild Tveit", "Gunnar Lid"
    say("SMARTSKOG in Birkenes (smartskog): 45 forest owners, a value chain from standing timber to green products.")
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
                             due=day("2016-03-31"), responsible=leader, actor=acting(db, leader))
    for org, body, ref, when, outcome in (("Birkenes", "kommunestyre", "PS 20/16", "2016-01-28", "approved"),
                                          ("Kristiansand", "formannskap", "PS 9/16", "2016-02-03", "approved"),
                                          ("Iveland", "formannskap", "PS 7/16", "2016-02-10", "refused")):
        anchoring.record(db, code="smartskog", org=org, body=body, ref=ref, date=day(when), today=day(when),
                         outcome=outcome, actor=acting(db, leader))
        story.tell(when, f"{org}: {body} {'approves' if outcome == 'approved' else 'refuses'} ({ref}).")
    refusal = story.refused(lambda: decisions.decide(db, code="smartskog", outcome="go", by=sponsor,
                                                     date=day("2016-02-25"), today=day("2016-02-25"), actor=acting(db, sponsor)))
    story.tell("2016-02-25", f"BP2 asked for. Refused: {refusal}")
    decisions.decide(db, code="smartskog", outcome="rework", by=sponsor, date=day("2016-02-25"),
                     today=day("2016-02-25"),
                     note="Iveland ønskjer betre grunnlag om finansieringa. Kom tilbake med nytt grunnlag.",
                     attendees=["Knut Olav Reinertsen"], actor=acting(db, sponsor))
    story.tell("2016-02-25", "BP2: rework. The project stays in the pre-project for a second round.")
    decisions.plan_gate(db, code="smartskog", date=day("2016-06-15"), today=day("2016-04-01"), actor=acting(db, leader))
    story.tell("2016-04-01", "The next BP2 meeting is planned for 2016-06-15; Iveland's new vote is still to come.")


def main_project(story: Story) -> None:
    from plp.services import anchoring, checklist, decisions, milestones

    db = story.db
    leader, sponsor = "Ragnhild Tveit", "Gunnar Lid"
    say("SMARTSKOG goes on.")
    milestones.complete_milestone(db, code="smartskog", milestone_id=_first_open(db, "smartskog"),
                                  on=day("2016-04-20"), today=day("2016-04-20"), actor=acting(db, leader))
    story.tell("2016-04-20", "Milestone reached: the shareholder agreement with the forest owners is signed.")
    anchoring.record(db, code="smartskog", org="Iveland", body="kommunestyre", ref="PS 31/16", date=day("2016-05-12"),
                     today=day("2016-05-12"), actor=acting(db, leader))
    story.tell("2016-05-12", "Iveland: kommunestyre approves (PS 31/16) on the new basis.")
    decisions.decide(db, code="smartskog", outcome="go", by=sponsor, date=day("2016-06-15"), today=day("2016-06-15"),
                     note="Hovudprosjektet vert starta. SMARTSKOG AS vert skipa.",
                     attendees=["Knut Olav Reinertsen"], actor=acting(db, sponsor))
    story.tell("2016-06-15", "BP2, round 2: go. The main project starts.")
    ms = [milestones.add_milestone(db, code="smartskog", title=title, due=day(due), responsible=who, actor=acting(db, leader))
          for title, due, who in (("SMARTSKOG AS er skipa med 45 skogeigarar", "2016-09-30", leader),
                                  ("Første produksjonslinje for grøne ferdigvarer er i drift", "2017-08-31",
                                   "Knut Olav Reinertsen"),
                                  ("Avtale med første industrikunde er signert", "2017-10-13", leader),
                                  ("Forretningsplan for 2018 er vedteken i styret", "2017-12-15", sponsor))]
    milestones.complete_milestone(db, code="smartskog", milestone_id=ms[0].id, on=day("2016-09-22"),
                                  today=day("2016-09-22"), actor=acting(db, leader))
    story.tell("2016-09-22", "Milestone reached: SMARTSKOG AS is founded by 45 forest owners.")
    checklist.tick(db, code="smartskog", item="status_reports", actor=acting(db, leader))
    decisions.plan_gate(db, code="smartskog", date=day("2017-11-01"), today=day("2017-09-25"), actor=acting(db, leader))
    story.tell("2017-09-25", "BP3 is planned for 2017-11-01, though the first production line is a month late.")


def _first_open(db: Database, code: str) -> int:
    from plp.services.milestones import list_milestones

    return next(m.id for m in list_milestones(db, code=code, overdue=False, today=day(REPORT_DAY))
                if not m.done_on)
