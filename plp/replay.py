"""Replaying the history: the state the events yield, compared with the tables.

A hand-made change to a table leaves the event chain intact, so ``plp audit verify``
replays every event and compares what they say with the rows of project (phase,
status, round), role_assignment, goal, milestone, checklist_tick, anchoring,
decision (with who decided, the note and the attendees), measure and setting. The
first difference is named by table, row and column.

Events name the rows they create by id (``goal_id``, ``assignment_id``...). Older
events that do not are matched by their content, and a field an older event does not
carry is not compared: what the history does not say cannot contradict a table.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Callable

from plp.engine import END_STATES


@dataclass(frozen=True)
class Named:
    """An expected reference given by name (older events): person, org or plan."""

    table: str
    name: str


@dataclass
class Problem:
    text: str
    event_id: int | None


#: table -> the columns compared, in order; the key of a row is its id unless said here.
COLUMNS: dict[str, tuple[str, ...]] = {
    "project": ("code", "phase", "status", "round", "created_by_id"),
    "role_assignment": ("project_id", "person_id", "role"),
    "goal": ("project_id", "level", "text", "indicator", "target"),
    "milestone": ("project_id", "title", "due", "responsible_id", "phase", "done_on"),
    "checklist_tick": ("project_id", "item_key", "ticked_by"),
    "anchoring": ("project_id", "org_id", "body", "kind", "ref", "date", "outcome"),
    "decision": ("project_id", "decision_point", "round", "outcome", "from_phase", "to_phase", "by_id", "date",
                 "note", "attendees"),
    "measure": ("plan_id", "title", "responsible_org_id", "status", "note"),
    "setting": ("value",),
}
KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "checklist_tick": lambda r: (r["project_id"], r["item_key"]),
    "setting": lambda r: r["key"],
}
_NOT_SAID = object()
Expected = dict[str, tuple[Any, int]]  # column -> (value, the event that says so)


class Replay:
    """The expected rows, built one event at a time (oldest first)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[Any, Expected]] = {t: {} for t in COLUMNS}
        self.born: dict[tuple[str, Any], int] = {}  # (table, key) -> the event that created the row
        self.loose: dict[str, list[tuple[int, Expected]]] = {t: [] for t in COLUMNS}
        # Who may do more than others: person id -> (value, the event that says so).
        # Permission checks rely on these columns, so a hand-set flag must be named.
        self.privileges: dict[str, dict[int, tuple[Any, int]]] = {"is_admin": {}, "db_role": {}}

    def apply(self, row: tuple) -> None:
        eid, _, actor, kind, project_id, data = row[:6]
        handler = _HANDLERS.get(kind)
        if handler is None:
            return
        try:
            payload = json.loads(data)
        except ValueError:
            return
        if isinstance(payload, dict):
            handler(self, eid, actor, project_id, payload)

    # ----------------------------------------------------------- building

    def put(self, table: str, key: Any, eid: int, **cols: Any) -> None:
        """Expect ``cols`` of the row ``key`` (None: a row the event does not name by id)."""
        said = {c: (v, eid) for c, v in cols.items() if v is not _NOT_SAID}
        if key is None:
            self.loose[table].append((eid, said))
            return
        if key not in self.rows[table]:
            self.born[(table, key)] = eid
        self.rows[table].setdefault(key, {}).update(said)

    def drop(self, table: str, key: Any) -> bool:
        self.born.pop((table, key), None)
        return self.rows[table].pop(key, None) is not None

    def drop_loose(self, table: str, match: Callable[[Expected], bool]) -> None:
        for i, (_, cols) in enumerate(self.loose[table]):
            if match(cols):
                del self.loose[table][i]
                return

    def said(self, table: str, key: Any, column: str) -> Any:
        return self.rows[table].get(key, {}).get(column, (_NOT_SAID, 0))[0]

    # ----------------------------------------------------------- comparing

    def compare(self, tables: dict[str, list[dict[str, Any]]]) -> Problem | None:
        """The first difference between the replayed state and ``tables`` (rows as dicts), or None."""
        names = {"person": {r["id"]: r["name"] for r in tables.get("person", [])},
                 "org": {r["id"]: r["name"] for r in tables.get("org", [])},
                 "plan": {r["id"]: r["code"] for r in tables.get("plan", [])}}
        codes = {r["id"]: r["code"] for r in tables.get("project", [])}
        for table, columns in COLUMNS.items():
            problem = self._compare_table(table, columns, tables.get(table, []), names, codes)
            if problem is not None:
                return problem
        return self._compare_privileges(tables.get("person", []))

    def _compare_privileges(self, people: list[dict[str, Any]]) -> Problem | None:
        """Administrators and login roles: each one the table holds must be what the history granted."""
        for row in people:
            for column, said in self.privileges.items():
                value, eid = said.get(row["id"], (None, None))
                actual = row.get(column) or None  # False, '' and None all mean: not granted
                if actual != (value or None):
                    where = f"table person, row {row['id']} ({row['name']}), column {column}"
                    if eid is None:
                        return Problem(f"{where}: the table says {actual!r}, but no history event grants it "
                                       f"(set by hand?)", None)
                    return Problem(f"{where}: the table says {actual!r}, but history event {eid} says {value!r}", eid)
        return None

    def _compare_table(self, table: str, columns: tuple[str, ...], actual: list[dict[str, Any]],
                       names: dict[str, dict[Any, str]], codes: dict[int, str]) -> Problem | None:
        keyfn = KEYS.get(table, lambda r: r["id"])
        expected, loose = self.rows[table], list(self.loose[table])
        seen = set()
        for row in actual:
            key = keyfn(row)
            where = _where(table, row, codes)
            cols = expected.get(key)
            if cols is None:
                match = next((i for i, (_, c) in enumerate(loose) if _matches(row, c, names)), None)
                if match is None:
                    return Problem(f"{where} has no history event (added by hand?)", None)
                del loose[match]
                continue
            seen.add(key)
            for column in columns:
                if column in cols and not _same(column, row.get(column), cols[column][0], names):
                    value, eid = cols[column]
                    return Problem(f"{where}, column {column}: the table says {_show(row.get(column), names, value)},"
                                   f" but history event {eid} says {_show(value, names)}", eid)
        for key in expected:
            if key not in seen:
                eid = self.born.get((table, key))
                return Problem(f"history event {eid} records table {table}, row {_key_text(key)}, which is "
                               f"missing (deleted by hand?)", eid)
        if loose:
            eid = loose[0][0]
            return Problem(f"history event {eid} records a row of table {table} that is missing (deleted by hand?)",
                           eid)
        return None


def _where(table: str, row: dict[str, Any], codes: dict[int, str]) -> str:
    ident = row.get("id", row.get("key"))
    text = f"table {table}, row {_key_text(ident)}"
    project = row.get("project_id") if table != "project" else row.get("id")
    if project in codes:
        text += f" (project {codes[project]})"
    return text


def _key_text(key: Any) -> str:
    if isinstance(key, tuple):
        return "/".join(str(k) for k in key)
    return f"'{key}'" if isinstance(key, str) else str(key)


def _norm(column: str, value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if column == "attendees" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _same(column: str, actual: Any, expected: Any, names: dict[str, dict[Any, str]]) -> bool:
    if isinstance(expected, Named):
        return names[expected.table].get(actual) == expected.name
    return _norm(column, actual) == _norm(column, expected)


def _matches(row: dict[str, Any], cols: Expected, names: dict[str, dict[Any, str]]) -> bool:
    return all(_same(c, row.get(c), v, names) for c, (v, _) in cols.items())


def _show(value: Any, names: dict[str, dict[Any, str]], like: Any = None) -> str:
    if isinstance(value, Named):
        return repr(value.name)
    if isinstance(like, Named):
        return f"{value} ({names[like.table].get(value)!r})"
    value = _norm("", value)
    return "empty" if value is None else repr(value)


def load_tables(conn: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows :meth:`Replay.compare` looks at, read from the database."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    import plp.models

    plp.models.load_all()  # registers every table

    meta = SQLModel.metadata.tables
    out = {}
    for name in (*COLUMNS, "person", "org", "plan"):
        table = meta[name]
        order = list(table.primary_key.columns)
        out[name] = [dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()]
    return out


# --------------------------------------------------------------- the events


def _g(d: dict[str, Any], key: str) -> Any:
    return d.get(key, _NOT_SAID)


def _ref(d: dict[str, Any], id_key: str, name_key: str, table: str) -> Any:
    if id_key in d:
        return d[id_key]
    return Named(table, d[name_key]) if isinstance(d.get(name_key), str) else _NOT_SAID


def _project_created(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    if pid is None:
        return
    if "phase" in d:  # a project starts active, in round 1, in the phase it names
        r.put("project", pid, eid, code=_g(d, "code"), phase=d["phase"], status="active", round=1,
              created_by_id=_g(d, "created_by_id"))
    else:
        r.put("project", pid, eid, code=_g(d, "code"), created_by_id=_g(d, "created_by_id"))


def _decision_taken(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    if pid is None:
        return
    decided_round = d.get("decided_round", r.said("project", pid, "round"))
    to_phase = _g(d, "to_phase")
    if to_phase is _NOT_SAID and all(k in d for k in ("phase", "status", "from_phase")):
        moved = d["status"] not in END_STATES and d["phase"] != d["from_phase"]
        to_phase = d["phase"] if moved else None
    r.put("decision", d.get("decision_id"), eid, project_id=pid, decision_point=_g(d, "decision_point"),
          round=decided_round, outcome=_g(d, "outcome"), from_phase=_g(d, "from_phase"), to_phase=to_phase,
          by_id=_ref(d, "by_id", "by", "person"), date=_g(d, "date"), note=_g(d, "note"),
          attendees=_g(d, "attendees"))
    r.put("project", pid, eid, phase=_g(d, "phase"), status=_g(d, "status"), round=_g(d, "round"))


def _role_gone(r: Replay, pid: int | None, rid: Any, person: Any, role: Any) -> None:
    if rid is not None and r.drop("role_assignment", rid):
        return
    r.drop_loose("role_assignment", lambda c: c.get("project_id", (None,))[0] == pid
                 and c.get("role", (None,))[0] == role and c.get("person_id", (None,))[0] == Named("person", person))


def _role_assigned(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    names = d.get("replaced") or []
    ids = d.get("replaced_ids") or [None] * len(names)
    for rid, name in zip(ids, names):
        _role_gone(r, pid, rid, name, d.get("role"))
    r.put("role_assignment", d.get("assignment_id"), eid, project_id=pid,
          person_id=_ref(d, "person_id", "person", "person"), role=_g(d, "role"))


def _role_removed(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    _role_gone(r, pid, d.get("assignment_id"), d.get("person"), d.get("role"))


def _goal_added(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    r.put("goal", d.get("goal_id"), eid, project_id=pid, level=_g(d, "level"), text=_g(d, "text"),
          indicator=_g(d, "indicator"), target=_g(d, "target"))


def _milestone_added(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    mid = d.get("milestone_id")
    r.put("milestone", mid, eid, project_id=pid, title=_g(d, "title"), due=_g(d, "due"),
          responsible_id=_ref(d, "responsible_id", "responsible", "person"), phase=_g(d, "phase"),
          done_on=None if mid is not None else _NOT_SAID)


def _milestone_done(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    if d.get("milestone_id") in r.rows["milestone"]:
        r.put("milestone", d["milestone_id"], eid, done_on=_g(d, "done_on"))


def _checklist_ticked(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    if pid is not None and "item" in d:
        r.put("checklist_tick", (pid, d["item"]), eid, project_id=pid, item_key=d["item"], ticked_by=actor)


def _checklist_unticked(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    r.drop("checklist_tick", (pid, d.get("item")))


def _anchoring_recorded(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    r.put("anchoring", d.get("anchoring_id"), eid, project_id=pid, org_id=_ref(d, "org_id", "org", "org"),
          body=_g(d, "body"), kind=_g(d, "kind"), ref=_g(d, "ref"), date=_g(d, "date"), outcome=_g(d, "outcome"))


def _measure_added(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    r.put("measure", d.get("measure_id"), eid, plan_id=_ref(d, "plan_id", "plan", "plan"), title=_g(d, "title"),
          responsible_org_id=_ref(d, "responsible_org_id", "responsible", "org"), status="not_started", note=None)


def _measure_status(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    if d.get("measure_id") in r.rows["measure"]:
        r.put("measure", d["measure_id"], eid, status=_g(d, "status"), note=_g(d, "note"))


def _admin(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any], on: bool) -> None:
    if isinstance(d.get("person_id"), int):
        r.privileges["is_admin"][d["person_id"]] = (on, eid)


def _login(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    if isinstance(d.get("person_id"), int):
        r.privileges["db_role"][d["person_id"]] = (d.get("db_role"), eid)


def _status_moved(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    """A move the check made (plp/services/timed_apply.py): the event says the status it left."""
    if pid is not None:
        r.put("project", pid, eid, status=_g(d, "status"))


def _setting_changed(r: Replay, eid: int, actor: str, pid: int | None, d: dict[str, Any]) -> None:
    if isinstance(d.get("key"), str):
        r.put("setting", d["key"], eid, value=_g(d, "to"))


_HANDLERS: dict[str, Callable[[Replay, int, str, int | None, dict[str, Any]], None]] = {
    "project_created": _project_created,
    "decision_taken": _decision_taken,
    "role_assigned": _role_assigned,
    "role_removed": _role_removed,
    "goal_added": _goal_added,
    "milestone_added": _milestone_added,
    "milestone_done": _milestone_done,
    "checklist_ticked": _checklist_ticked,
    "checklist_unticked": _checklist_unticked,
    "anchoring_recorded": _anchoring_recorded,
    "measure_added": _measure_added,
    "measure_status": _measure_status,
    "setting_changed": _setting_changed,
    "admin_granted": lambda r, eid, actor, pid, d: _admin(r, eid, actor, pid, d, True),
    "admin_revoked": lambda r, eid, actor, pid, d: _admin(r, eid, actor, pid, d, False),
    "person_login_set": _login,
    "person_login_cleared": _login,
    "condition_missed": _status_moved,
    "project_dormant": _status_moved,
    "project_stopped": _status_moved,
}
