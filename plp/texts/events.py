"""One readable line per history event (``plp project history``), in English.

The history's JSON is the record; this is how a person reads it. An event kind not
named here still reads as its kind and its data, so a new kind is never lost.
"""

from __future__ import annotations

import json


def describe_event(kind: str, d: dict) -> str:
    """One readable line for a history event."""
    if kind == "project_created":
        owners = ", ".join(f"{o['org']} ({o['grade']})" for o in d.get("owners", []))
        return f"created {d['code']} on {d['workflow']} v{d['workflow_version']} in phase {d['phase']}; owners {owners}"
    if kind == "role_assigned":
        extra = f", replacing {', '.join(d['replaced'])}" if d.get("replaced") else ""
        return f"{d['person']} became {d['role']}{extra}"
    if kind == "role_removed":
        return f"{d['person']} is no longer {d['role']}"
    if kind == "goal_added":
        return f"{d['level']} goal: {d['text']}"
    if kind == "milestone_added":
        return f"milestone #{d['milestone_id']} \"{d['title']}\" due {d['due']}, responsible {d['responsible']}"
    if kind == "milestone_done":
        return f"milestone #{d['milestone_id']} \"{d['title']}\" done on {d['done_on']}"
    if kind in ("checklist_ticked", "checklist_unticked"):
        return f"{'ticked' if kind == 'checklist_ticked' else 'unticked'} {d['item']} ({d['phase']})"
    if kind == "anchoring_recorded":
        return f"{d['org']}: {d['body']} {d['ref']} on {d['date']}: {d['outcome']} ({d['kind']})"
    if kind == "gate_planned":
        return f"{d['decision_point']} meeting planned for {d['date']}"
    if kind == "decision_taken":
        note = f" – {d['note']}" if d.get("note") else ""
        return f"{d['decision_point']}: {d['outcome']} by {d['by']} on {d['date']} → {d['phase']} ({d['status']}){note}"
    if kind in ("project_published", "project_unpublished"):
        return "published on the public results page" if kind == "project_published" else "withdrawn from the public results page"
    if kind == "workflow_migrated":
        kept = f"; kept ticks not in v{d['to_version']}: {', '.join(d['kept_checklist_items'])}" \
            if d.get("kept_checklist_items") else ""
        return (f"moved from {d['workflow']} v{d['from_version']} to v{d['to_version']} in phase {d['phase']}; "
                f"next {d['decision_point']} {'ready' if d.get('ready') else 'not ready'}{kept}")
    return f"{kind} " + json.dumps(d, ensure_ascii=False, sort_keys=True)
