"""Who is acting: a person resolved once at the edge, never a claim inside the core.

The command line (``--as``, ``PLP_USER``, the login name, or on PostgreSQL the
connection's login role) and the web (the signed-in session) each turn their own
evidence into an :class:`Actor`; the services take it as it is and never look a
name up again. This module imports nothing from plp, so every layer may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How an actor was identified.
HOW = ("cli-as", "env", "login-name", "db-role", "web-session", "system", "nobody")


@dataclass(frozen=True)
class Actor:
    """The acting person (``person_id`` None: a name that matches nobody known) or plp itself.

    ``name`` is what the history records: the person's name, the text given when it
    names nobody known, or the system actor's name (``scheduler``, ``init``, ``demo``).
    """

    name: str
    person_id: int | None = None
    how: str = "system"

    def __post_init__(self) -> None:
        if self.how not in HOW:
            raise ValueError(f"unknown way of identifying an actor: {self.how}")
        if self.how == "system" and self.person_id is not None:
            raise ValueError("a system actor is not a person")

    @property
    def identified(self) -> bool:
        """A known person (a system actor is not one)."""
        return self.person_id is not None

    @property
    def is_system(self) -> bool:
        """plp itself: init, the demo's setup, the scheduler. Never the result of ``--as``."""
        return self.how == "system"


def system(name: str = "system") -> Actor:
    """plp itself acting, under ``name`` in the history."""
    return Actor(name, None, "system")


SYSTEM = system()
SCHEDULER = system("scheduler")
#: A unit of work opened without an actor: reads, and plp's own runtime rows (the
#: outbox's claims, the scheduler's lease). Not plp itself: a service that forgets to
#: pass its actor is refused like an unknown person, never waved through.
NOBODY = Actor("nobody", None, "nobody")
