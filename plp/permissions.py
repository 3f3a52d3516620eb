"""Who may do what: one table, checked by every change.

The acting person is an :class:`~plp.actor.Actor` the front end resolved (``--as``,
``PLP_USER``, the login name or the PostgreSQL login role on the command line; the
signed-in session on the web). When it is a known person, the tables below are
enforced. When it is not, the change is allowed only while the database's
``require-identity`` setting is off (the default for a SQLite file; a new
PostgreSQL database starts with it on). plp itself (the system actor: init, the
demo's setup, the scheduler) is never refused: no front end can produce it.
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

#: What only an administrator of the database may do (``plp admin grant``), and a few
#: rules about one's own things; keys are the actions the services check.
ADMIN_RULES: dict[str, str] = {
    "setting.change": "an administrator (while the database has none: as require-identity allows)",
    "admin.grant": "an administrator (granting and revoking; the first one is made by plp init --admin)",
    "person.login": "an administrator",
    "person.org": "an administrator, while require-identity is on (adding a person to an organisation)",
    "import": "an administrator of the imported database, when it has one",
    "trust.answer": "the respondent or an administrator",
    "password.set": "the person themselves or an administrator (while the database has none: as "
                    "require-identity allows)",
}

REQUIRE_IDENTITY = "require-identity"


def table() -> list[tuple[str, str]]:
    """(action, who may) for the README and ``plp config show``."""
    return [(action, rule.text + (" (until one is assigned: the sponsor or the project's creator)"
                                  if rule.until == "leader" else
                                  " (until one is assigned: the project's creator)" if rule.until else ""))
            for action, rule in RULES.items()] + list(ADMIN_RULES.items())


def require_identity(uow) -> None:
    """Refuse an unknown acting person when the database requires identity."""
    actor = uow.identity
    if not actor.is_system and not actor.identified and setting(uow, REQUIRE_IDENTITY) == "true":
        raise NotAllowed(f"'{actor.name}' is not a known person, and this database requires a known acting "
                         f"person: use --as or PLP_USER with a person's name, email or id")


def setting(uow, key: str) -> str | None:
    from plp.models import Setting

    cached = uow.cache.get(("setting", key))
    if cached is None:
        row = uow.session.get(Setting, key)
        cached = uow.cache[("setting", key)] = row.value if row else ""
    return cached or None


def has_admin(uow) -> bool:
    from sqlmodel import select

    from plp.models import Person

    return uow.session.exec(select(Person.id).where(Person.is_admin == True)).first() is not None  # noqa: E712


def is_admin(uow) -> bool:
    """Whether the acting person is an administrator of this database (plp itself counts as one)."""
    from plp.models import Person

    actor = uow.identity
    if actor.is_system:
        return True
    if not actor.identified:
        return False
    person = uow.session.get(Person, actor.person_id)
    return bool(person and person.is_admin)


def check_admin(uow, action: str, *, open_without_admin: bool = False, own_person_id: int | None = None,
                open_without_identity: bool = False) -> None:
    """Refuse ``action`` unless the acting person is an administrator.

    ``open_without_admin``: while the database has no administrator at all, allow as
    require-identity allows (so databases from before administrators keep working).
    ``own_person_id``: the person the action is about, who may do it themselves.
    ``open_without_identity``: an actor who is nobody known is let through while
    require-identity is off, as the project rules do.
    """
    actor = uow.identity
    if actor.is_system or is_admin(uow):
        return
    if own_person_id is not None and actor.person_id == own_person_id:
        return
    if open_without_identity and not actor.identified:
        require_identity(uow)
        return
    any_admin = has_admin(uow)
    if open_without_admin and not any_admin:
        require_identity(uow)
        return
    hint = "" if any_admin else "; this database has none yet: make one with 'plp init --admin PERSON'"
    who = actor.name if actor.identified else f"'{actor.name}' (not a known person here)"
    raise NotAllowed(f"{who} may not do {action}: that needs {ADMIN_RULES[action]}{hint}")


def check_importer(uow, importer) -> None:
    """Import makes a whole database: refused unless ``importer`` administers the imported one.

    The target was empty, so the front end could not resolve anyone there: the import
    service writes the rows, resolves ``importer`` among them the way every command
    resolves its actor (:func:`plp.services.identity.resolve`), and asks here before it
    commits. An export without administrators (made before there were any) is imported
    as before.
    """
    from sqlmodel import select

    from plp.models import Person

    if uow.identity.is_system:
        return
    admins = uow.session.exec(select(Person.name).where(Person.is_admin == True)).all()  # noqa: E712
    if not admins:
        return
    person = uow.session.get(Person, importer.person_id) if importer.identified else None
    if person is None or not person.is_admin:
        raise NotAllowed(f"{uow.identity.name} may not import this database: that needs one of its administrators "
                         f"({', '.join(sorted(admins))}), acting with --as or, on PostgreSQL, by their login role")


def check(uow, action: str, project, *, holders: dict[str, set[int]] | None = None,
          responsible_id: int | None = None) -> None:
    """Refuse ``action`` on ``project`` unless the acting person may do it.

    ``holders`` (role -> person ids) can be passed when already read.
    """
    if uow.identity.is_system:
        return
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
        if person_id in stand_ins or person_id == project.created_by_id:
            return
    if rule.owner_member and _in_owner_org(uow, project.id, person_id):
        return
    raise NotAllowed(f"{uow.actor} may not do {action} in {project.code}: that needs {rule.text}")


def deciders(wf, project) -> tuple[str, ...]:
    """The roles that decide at the project's next decision point (the workflow names them); none once it ended."""
    from plp.engine import END_STATES

    if project.status in END_STATES:
        return ()
    return tuple(wf.decision_point_from(project.phase).deciders)


def may_decide(wf, project, person_id: int | None, holders: dict[str, set[int]]) -> bool:
    """Whether the person holds one of the decider roles at the project's next decision point.

    The one statement of "who may decide" (sponsor and steering group in PLP):
    the decision form, my work and recording a decision all ask it. ``holders`` is
    role -> person ids, as :func:`role_holders` reads it.
    """
    return person_id is not None and any(person_id in holders.get(role, ()) for role in deciders(wf, project))


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
