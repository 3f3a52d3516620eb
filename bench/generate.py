"""Generate a realistic portfolio for the benchmarks.

    python -m bench.generate --projects 10000 --db bench.db [--milestones 20] [--seed 1]

Several owners per project, people, goals, milestones across phases (some overdue,
most past ones done), decisions, anchoring and their history events. Rows are
written in bulk (executemany), not through the services: the point is the data, not
how fast the services write it (``bench.run`` measures that separately).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time

from sqlalchemy import insert

from plp.actor import system
from plp.audit import GENESIS, audit_key, event_hash, is_keyed
from plp.db import Database, utcnow
from plp.models import (
    Anchoring,
    AuditHead,
    ChecklistTick,
    Decision,
    Event,
    Goal,
    Milestone,
    Org,
    Person,
    Project,
    ProjectOwner,
    RoleAssignment,
)
from plp.services import workflows as wfservice
from plp.workflow import find

CHUNK = 5000


def _bulk(conn, model, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(model), rows[i:i + CHUNK])


def generate(target: str, *, projects: int, milestones: int = 20, seed: int = 1, today: dt.date | None = None) -> dict:
    rnd = random.Random(seed)
    today = today or dt.date.today()
    now = utcnow()
    db = Database(target, create=True)  # a new file, as plp init makes it
    wf, path = find("plp")
    with db.unit(system("bench")) as uow:
        uow.end_read()
        wdef = wfservice.register(uow, wf, path)
        uow.commit()
        wf_id = wdef.id
    phases = wf.phase_keys
    n_orgs = max(10, min(356, projects // 20))
    n_people = max(20, projects // 5)
    with db.engine.begin() as conn:
        base_org = conn.execute(insert(Org).values(name="__probe__", kind="other")).inserted_primary_key[0]
        conn.execute(Org.__table__.delete().where(Org.id == base_org))
        orgs = [{"id": base_org + i, "name": f"Kommune {i:03d}", "kind": "municipality"} for i in range(n_orgs)]
        _bulk(conn, Org, orgs)
        first_person = 1 + (conn.execute(Person.__table__.select().order_by(Person.id.desc()).limit(1)).first() or [0])[0]
        people = [{"id": first_person + i, "name": f"Person {i:05d}",
                   "email": f"person{i}@example.no" if i % 10 else None,
                   "org_id": orgs[i % n_orgs]["id"], "lang": rnd.choice(["nn", "nn", "nb", "en"])}
                  for i in range(n_people)]
        _bulk(conn, Person, people)
        first_project = 1 + (conn.execute(Project.__table__.select().order_by(Project.id.desc()).limit(1)).first() or [0])[0]
        rows: dict[str, list[dict]] = {k: [] for k in ("project", "owner", "role", "goal", "milestone", "tick",
                                                         "decision", "anchoring", "event")}

        def event(pid: int, kind: str, data: dict) -> None:
            rows["event"].append({"at": now, "actor": "bench", "kind": kind, "project_id": pid,
                                  "data": json.dumps(data, ensure_ascii=False, sort_keys=True)})

        def next_id(model) -> int:
            last = conn.execute(model.__table__.select().order_by(model.id.desc()).limit(1)).first()
            return 1 + (last[0] if last else 0)

        decision_id, anchoring_id = next_id(Decision), next_id(Anchoring)

        for i in range(projects):
            pid = first_project + i
            phase_index = rnd.choices(range(len(phases)), weights=[2, 3, 4, 1])[0]
            status = rnd.choices(["active", "on_hold", "completed", "stopped"], weights=[85, 5, 5, 5])[0]
            rows["project"].append({"id": pid, "code": f"p{i:05d}", "name": f"Prosjekt {i}", "workflow_id": wf_id,
                                    "phase": phases[phase_index], "status": status, "round": 1,
                                    "version": 1, "created_at": now, "created_by": "bench"})
            event(pid, "project_created", {"code": f"p{i:05d}"})
            owners = rnd.sample(orgs, rnd.randint(2, 4))
            for j, org in enumerate(owners):
                rows["owner"].append({"project_id": pid, "org_id": org["id"], "grade": "A" if j == 0 else "B",
                                      "lead": j == 0})
            team = rnd.sample(people, 4)
            for person, role in zip(team, ["sponsor", "leader", "steering", "steering"]):
                rows["role"].append({"project_id": pid, "person_id": person["id"], "role": role})
                event(pid, "role_assigned", {"person": person["name"], "role": role})
            for level in ("effect", "result", "societal"):
                rows["goal"].append({"project_id": pid, "level": level, "text": f"{level} goal of project {i}"})
                event(pid, "goal_added", {"level": level})
            for m in range(milestones):
                due = today + dt.timedelta(days=rnd.randint(-400, 400))
                m_phase = phases[min(len(phases) - 1, max(0, phase_index + rnd.choice([-1, 0, 0, 1])))]
                past = due < today
                done = past and rnd.random() < 0.95 or (not past and rnd.random() < 0.1)
                rows["milestone"].append({"project_id": pid, "title": f"Milepæl {m} i prosjekt {i}", "due": due,
                                          "responsible_id": team[m % 4]["id"], "phase": m_phase,
                                          "done_on": min(due, today) if done else None})
                event(pid, "milestone_added", {"title": rows["milestone"][-1]["title"]})
            for k in range(phase_index):
                decision_id += 1
                rows["decision"].append({"id": decision_id, "project_id": pid, "decision_point": wf.decision_points[k].key, "round": 1,
                                         "outcome": "go", "from_phase": phases[k], "to_phase": phases[k + 1],
                                         "by_id": team[0]["id"], "date": today - dt.timedelta(days=100 * (phase_index - k)),
                                         "attendees": "[]"})
                event(pid, "decision_taken", {"decision_id": decision_id, "decision_point": wf.decision_points[k].key,
                                              "outcome": "go", "date": rows["decision"][-1]["date"].isoformat()})
            if phase_index >= 1:
                for org in owners:
                    anchoring_id += 1
                    rows["anchoring"].append({"id": anchoring_id, "project_id": pid, "org_id": org["id"], "body": "kommunestyre",
                                              "kind": "political", "ref": f"PS {i}/{org['id']}",
                                              "date": today - dt.timedelta(days=200), "outcome": "approved"})
                    a = rows["anchoring"][-1]
                    event(pid, "anchoring_recorded", {"anchoring_id": anchoring_id, "org": org["name"],
                                                      "body": a["body"], "ref": a["ref"], "outcome": a["outcome"],
                                                      "date": a["date"].isoformat()})
            for item in wf.phase(phases[phase_index]).checklist[:1]:
                rows["tick"].append({"project_id": pid, "item_key": item.key, "ticked_at": now, "ticked_by": "bench"})
                event(pid, "checklist_ticked", {"item": item.key})
        _chain(conn, rows["event"])
        for key, model in (("project", Project), ("owner", ProjectOwner), ("role", RoleAssignment), ("goal", Goal),
                           ("milestone", Milestone), ("tick", ChecklistTick), ("decision", Decision),
                           ("anchoring", Anchoring), ("event", Event)):
            _bulk(conn, model, rows[key])
        head = AuditHead.__table__
        last = rows["event"][-1] if rows["event"] else None
        if last:
            conn.execute(head.update().where(head.c.id == 1).values(last_event_id=last["id"], last_hash=last["hash"]))
        if db.url.startswith("postgresql"):
            for table in ("org", "person", "project", "decision", "anchoring", "event"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
    counts = {k: len(v) for k, v in rows.items()}
    db.dispose()
    return counts


def _chain(conn, events: list[dict]) -> None:
    """Give the events ids and link them into the audit chain after the newest one."""
    head = conn.execute(AuditHead.__table__.select().where(AuditHead.id == 1)).first()
    last_id, prev = (head.last_event_id, head.last_hash) if head else (0, GENESIS)
    key = audit_key() if is_keyed(prev) else None  # a keyed chain goes on keyed
    for e in events:
        last_id += 1
        e["id"] = last_id
        e["prev_hash"] = prev
        e["hash"] = prev = event_hash(prev, e["at"], e["actor"], e["kind"], e["project_id"], e["data"], key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, required=True)
    parser.add_argument("--milestones", type=int, default=20, help="milestones per project")
    parser.add_argument("--db", required=True, help="SQLite file or SQLAlchemy URL (empty or new)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    counts = generate(args.db, projects=args.projects, milestones=args.milestones, seed=args.seed)
    print(f"generated in {time.perf_counter() - start:.1f} s: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
