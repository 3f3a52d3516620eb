"""The demo's people and organisations: seven municipalities and their business network."""

from __future__ import annotations

from plp.actor import system
from plp.db import Database
from plp.demo.narrator import say

ADMIN = "Ingrid Aasen"  # the region's coordinator administers the database
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


def directory(db: Database) -> None:
    from plp.services.directory import add_org, add_person

    for name in MUNICIPALITIES:
        add_org(db, name=name, kind="municipality", actor=system("demo"))
    add_org(db, name="Vest-Agder fylkeskommune", kind="county", actor=system("demo"))
    add_org(db, name="SMARTSKOG AS", kind="company", actor=system("demo"))
    from plp.services.admins import grant

    for name, email, org in ADVISERS + LEADERS:
        add_person(db, name=name, email=email, org=org, lang="nn", actor=system("demo"))
    grant(db, person=ADMIN, actor=system("demo"))
    say(f"The business network: {len(ADVISERS)} business advisers, one from each municipality; "
        f"{ADMIN} administers the database.")
