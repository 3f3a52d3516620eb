"""Chapter, the last: ready for the web.

After the reports are written, Søgne's council anchors the area portal, so its BP2
is ready for Ingrid Aasen (the sponsor) to decide in the browser; and every demo
person with an email gets the password ``demo`` (a demo only: never do this with
real people).
"""

from __future__ import annotations

from plp.actor import system
from plp.demo.narrator import Story, day, say

DEMO_PASSWORD = "demo"
DECIDER = ("Ingrid Aasen", "ingrid.aasen@kristiansand.example")


def prepare(story: Story) -> None:
    from plp.services import anchoring
    from plp.services.directory import list_people
    from plp.services.identity import acting
    from plp.services.signin import set_password

    db = story.db
    anchoring.record(db, code="areal", org="Søgne", body="kommunestyre", ref="PS 77/17", date=day("2017-10-19"),
                     today=day("2017-10-19"), actor=acting(db, "Sigurd Fjeld"))
    story.tell("2017-10-19", "Søgne: kommunestyre approves (PS 77/17). BP2 of areal is ready for a decision.")
    people = [p for p in list_people(db) if p.email]
    for p in people:
        set_password(db, person=str(p.id), password=DEMO_PASSWORD, actor=system("demo"), min_length=1)
    say(f"For the web: {len(people)} demo people with an email have the password '{DEMO_PASSWORD}'.")
    say(f"  {DECIDER[0]} ({DECIDER[1]}) can decide BP2 of areal.")
