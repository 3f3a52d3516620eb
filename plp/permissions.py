"""Who may do what: one table, checked by every change.

The acting person comes from ``--as`` or ``PLP_USER``. When that names a known
person, the table below is enforced. When it does not, the change is allowed only
while the database's ``require-identity`` setting is off (the default, so the demo
and a first try stay simple); ``plp config set require-identity true`` makes every
change need a known acting person.
"""

from __future__ import annotations

from dataclasses import dataclass

from plp.errors import NotAllowed


@dataclass(frozen=True)
class Rule:
    """Roles in the project that may act; plus who may stand in while a role is vacant."""

    roles: tuple[str, ...]
    text: str  # for the README and error messages
    until: str | None = None  # a role whose absence lets the project's creator (or sponsor) act
    owner_member: bool = False  # a person from one of the project's owner organisations
    responsible: bool = False  # the milestone's responsible person


#: The permission table. Keys are the actions the services check.
RULES: dict[str, Rule] = {
    "goal.add": Rule(("leader",), "the project leader", until="leader"),
    "milestone.add": Rule(("leader",), "the project leader", until="leader"),
    "milestone.done": Rule(("leader",), "the project leader or the milestone's responsible person",
                           until="leader", responsible=True),
    "checklist.tick": Rule(("leader",), "the project leader", until="leader"),
    "gate.plan": Rule(("leader",), "the project leader", until="leader"),
    "decision.record": Rule(("sponsor", "steering"), "the sponsor or a steering group member"),
    "anchoring.record": Rule((), "a person from one of the project's owner organisations", owner_member=True),
    "role.assign": Rule(("sponsor",), "the sponsor", until="sponsor"),
    "workflow.migrate": Rule(("sponsor",), "the sponsor", until="sponsor"),
    "condition.met": Rule(("sponsor", "steering", "leader"), "the sponsor, a steering group member or the leader"),
    "benefit.record": Rule(("sponsor", "steering", "leader"), "the sponsor, a steering group member or the leader"),
    "project.publish": Rule(("sponsor", "leader"), "the sponsor or the project leader", until="leader"),
}

REQUIRE_IDENTITY = "require-identity"


def table() -> list[tuple[str, str]]:
    """(action, who may) for the README and ``plp config show``."""
    return [(action, rule.text + (" (until one is assigned: the sponsor or the project's creator)"
                                  if rule.until == "leader" else
                                  " (until one is assigned: the project's creator)" if rule.until else ""))
            for action, rule in RULES.items()]


def require_identity(uow) -> None:
    """Refuse an unknown acting person when the database requires identity."""
    if uow.actor_person_id is None and setting(uow, REQUIRE_IDENTITY) == "true":
        raise NotAllowed(f"'{uow.actor}' is not a known person, and this database requires a known acting "
                         f"person: use --as or PLP_USER with a person's name, email or id")


def setting(uow, key: str) -> str | None:
    from plp.models import Setting

    cached = uow.cache.get(("setting", key))
    if cached is None:
        row = uow.session.get(Setting, key)
        cached = uow.cache[("setting", key)] = row.value if row else ""
    return cached or None


def check(uow, action: str, project, *, holders: dict[str, set[int]] | None = None,
          responsible_id: int | None = None) -> None:
    """Refuse ``action`` on ``project`` unless the acting person may do it.

    ``holders`` (role -> person ids) can be passed when already read.
    """
    require_identity(uow)
    person_id = uow.actor_person_id
    if person_id is None:
        return  # identity not required and the actor is not a known person
    rule = RULES[action]
    if holders is None:
        holders = role_holders(uow, project.id)
    if any(person_id in holders.get(role, ()) for role in rule.roles):
        return
    if rule.responsible and responsible_id == person_id:
        return
    if rule.until and not holders.get(rule.until):
        stand_ins = set(holders.get("sponsor", ())) if rule.until == "leader" else set()
        if person_id in stand_ins or uow.actor == project.created_by:
            return
    if rule.owner_member and _in_owner_org(uow, project.id, person_id):
        return
    raise NotAllowed(f"{uow.actor} may not do {action} in {project.code}: that needs {rule.text}")


def role_holders(uow, project_id: int) -> dict[str, set[int]]:
    from sqlmodel import select

    from plp.models import RoleAssignment

    out: dict[str, set[int]] = {}
    for role, pid in uow.session.exec(select(RoleAssignment.role, RoleAssignment.person_id)
                                      .where(RoleAssignment.project_id == project_id)).all():
        out.setdefault(role, set()).add(pid)
    return out


def _in_owner_org(uow, project_id: int, person_id: int) -> bool:
    from sqlmodel import select

    from plp.models import Person, ProjectOwner

    org_id = uow.session.exec(select(Person.org_id).where(Person.id == person_id)).first()
    if org_id is None:
        return False
    return uow.session.exec(select(ProjectOwner.id).where(ProjectOwner.project_id == project_id,
                                                          ProjectOwner.org_id == org_id)).first() is not None
