"""Settings of one database (``plp config``)."""

from __future__ import annotations

from plp import permissions
from plp.actor import Actor
from plp.db import Database
from plp.errors import InvalidInput
from plp.models import Setting
from plp.services.results_ops import ConfigView, PermissionRule

#: The settings plp knows, with their allowed values and defaults.
KNOWN: dict[str, tuple[tuple[str, ...], str]] = {
    permissions.REQUIRE_IDENTITY: (("true", "false"), "false"),
}


def check_setting(key: str, value: str) -> str:
    """What 'config set' (and 'import json') accepts; returns the value as stored."""
    if key not in KNOWN:
        raise InvalidInput(f"unknown setting '{key}' (known: {', '.join(KNOWN)})")
    allowed, _ = KNOWN[key]
    value = value.lower()
    if value not in allowed:
        raise InvalidInput(f"{key} must be one of: {', '.join(allowed)}")
    return value


def set_setting(db: Database, *, key: str, value: str, actor: Actor) -> None:
    value = check_setting(key, value)
    with db.unit(actor) as uow:
        # An administrator; a database that has none yet keeps the older rule: turning
        # require-identity off again needs a known person.
        permissions.check_admin(uow, "setting.change", open_without_admin=True)
        row = uow.session.get(Setting, key)
        old = row.value if row else KNOWN[key][1]
        uow.end_read()
        uow.session.merge(Setting(key=key, value=value))
        uow.event("setting_changed", {"key": key, "from": old, "to": value})
        uow.commit()


def show_settings(db: Database) -> ConfigView:
    """Each known setting's value (its default when unset) and who may do what."""
    with db.unit() as uow:
        values = {key: (row.value if (row := uow.session.get(Setting, key)) else default)
                  for key, (_, default) in KNOWN.items()}
    return ConfigView(settings=values,
                      permissions=[PermissionRule(action=a, who=w) for a, w in permissions.table()])
