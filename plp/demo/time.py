"""Chapter: the moves time makes: a conditional approval that lapses into hold,
and the data centre's first benefit review.

The check's moves run as they would from ``plp scheduler run`` (the actor is
``scheduler``); their notices wait in the outbox (``plp outbox list``), since the
demo sends no mail.
"""

from __future__ import annotations

from plp.services.identity import acting
from plp.services.results_ops import MoveRow
from plp.demo.narrator import Story, day, noon, say


def _moves(story: Story, when: str) -> list[MoveRow]:
    from plp.notify import Channels
    from plp.services.timed_apply import run

    quiet = Channels(smtp_url=None, mail_from="plp@localhost", webhook_url=None)
    rows = run(story.db, now=noon(when), dry_run=False, channels=quiet).moves
    return [r for r in rows if r.channel == "move" and r.status == "applied"]


def conditional_approval(story: Story) -> None:
    """A charging network whose go carries a financing condition that Iveland misses."""
    from plp.services import anchoring, checklist, decisions, projects, team

    db = story.db
    leader, sponsor = "Anne Gro Homme", "Ingrid Aasen"
    say("Charging points for business vehicles (lading): a go on condition.")
    projects.create_project(db, code="lading", name="Ladenettverk for næringstransport", workflow="plp",
                            owners=["Kristiansand:A", "Iveland:C"], phase="pre_project", actor=acting(db, sponsor))
    team.assign_role(db, code="lading", person=sponsor, role="sponsor", actor=acting(db, sponsor))
    team.assign_role(db, code="lading", person=leader, role="leader", actor=acting(db, sponsor))
    team.add_goal(db, code="lading", level="effect", text="Lågare utslepp frå næringstransporten", actor=acting(db, leader))
    team.add_goal(db, code="lading", level="result", text="Tolv hurtigladarar langs E18 og RV9", actor=acting(db, leader))
    for item in ("project_plan", "budget_financing", "risk_assessment", "organisation"):
        checklist.tick(db, code="lading", item=item, actor=acting(db, leader))
    for org, body, ref, when in (("Kristiansand", "bystyre", "PS 140/16", "2016-10-19"),
                                 ("Iveland", "kommunestyre", "PS 52/16", "2016-10-27")):
        anchoring.record(db, code="lading", org=org, body=body, ref=ref, date=day(when), today=day(when), actor=acting(db, leader))
    condition = "Iveland stadfestar finansieringa av sin del i budsjettet for 2017"
    decisions.decide(db, code="lading", outcome="go", by=sponsor, date=day("2016-11-10"), today=day("2016-11-10"),
                     conditions=[(condition, day("2017-03-01"))], note="Hovudprosjektet vert starta, på vilkår.",
                     actor=acting(db, sponsor))
    story.tell("2016-11-10", f"BP2: go, on condition that \"{condition}\" by 2017-03-01.")
    for move in _moves(story, "2017-03-02"):
        story.tell("2017-03-02", f"The check finds the condition missed: lading is put on hold ({move.effect}); "
                                 "the sponsor, steering group and leader are told.")
    for _ in _moves(story, "2017-06-01"):
        story.tell("2017-06-01", "The hold's review date (90 days) has come: the sponsor is reminded to resume "
                                 "or stop. Resuming needs a decision.")


def benefit_review(story: Story) -> None:
    """Half a year after completion, the data centre's first benefit review."""
    from plp.services import conditions, projects

    db = story.db
    say("Half a year later: the data centre's benefit follow-up.")
    for move in _moves(story, "2018-03-01"):
        if move.kind == "benefit_review":
            story.tell("2018-03-01", f"The check opens benefit review {move.item} of vdc; the sponsor is reminded.")
    goal = next(g for g in projects.show_project(db, code="vdc", today=day("2018-03-01")).goals
                if g.level == "effect")
    conditions.benefit_record(db, code="vdc", goal_id=goal.id, review=1, achieved="partly",
                              value="To av fem planlagde leigetakarar er etablerte", today=day("2018-03-05"),
                              actor=acting(db, "Hanne Bakken"))
    story.tell("2018-03-05", "Hanne Bakken records it: partly achieved (two of five tenants). "
                             "Reviews at 12 and 24 months follow.")
