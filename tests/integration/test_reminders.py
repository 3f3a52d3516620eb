"""Reminders: the ladder, the people, the channels and the outbox, with real servers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from tests.conftest import PLP_BIN, advance_to_pre_project, dump, make_bp2_ready_except_anchoring
from tests.servers import SmtpServer, WebhookServer, free_port


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("PLP_SMTP_URL", server.url)
    monkeypatch.setenv("PLP_MAIL_FROM", "plp@region.example")
    yield server
    server.stop()


@pytest.fixture
def project(region, snapshot):
    """vdc with a sponsor, a leader and a milestone due 2026-03-31 for Ola (built once per process)."""
    snapshot("reminders_project", lambda: _make_project(region), base="region")
    return region


def _make_project(ok) -> None:
    ok("person", "add", "Lea Leiar", "--email", "lea@example.no", "--lang", "nb")
    ok("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    ok("role", "assign", "vdc", "Lea Leiar", "leader")
    ok("milestone", "add", "vdc", "Områdeplan vedteken", "--due", "2026-03-31", "--responsible", "Ola Nordmann")


def in_days(n: int) -> str:
    """The real clock plus n days: readiness is stamped with the real time of the change."""
    from plp.dates import now

    return (now() + dt.timedelta(days=n)).isoformat(timespec="minutes")


def check(cli, now: str, *extra: str) -> list[dict]:
    r = cli("check", "--now", now, "--json", *extra)
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_the_milestone_ladder_sends_each_step_once(project, cli, smtp):
    expected = {
        "2026-03-10": [],
        "2026-03-17": [("before-14", "ola@example.no")],
        "2026-03-18": [],
        "2026-03-28": [("before-3", "ola@example.no")],
        "2026-03-31": [("due", "ola@example.no")],
        "2026-04-01": [("overdue-0", "ola@example.no")],
        "2026-04-05": [],
        "2026-04-08": [("overdue-1", "ola@example.no")],
        "2026-04-14": [],
        # 15 days overdue: escalated to the project leader and the sponsor as well
        "2026-04-15": [("overdue-2", "ola@example.no"), ("overdue-2", "lea@example.no"),
                       ("overdue-2", "kari@example.no")],
    }
    for now, steps in expected.items():
        rows = check(cli, now)
        assert [(r["step"], r["status"]) for r in rows] == [(s, "sent") for s, _ in steps], now
        assert check(cli, now) == [], f"a second check at {now} sent again"
    mails = smtp.received()
    assert [m[0] for m in mails[:-3]] == ["ola@example.no"] * 5
    assert sorted(m[0] for m in mails[-3:]) == ["kari@example.no", "lea@example.no", "ola@example.no"]
    rcpt, subject, body = mails[0]
    assert subject == "Påminning: «Områdeplan vedteken» (vdc) skal vere nådd 2026-03-31"
    assert "Hei Ola Nordmann," in body and "om 14 dagar" in body
    assert "plp milestone done vdc 1" in body
    escalated = {m[0]: m for m in mails[-3:]}
    assert "Prosjektleder og prosjektansvarlig får også" in escalated["lea@example.no"][2]  # Lea reads bokmål
    assert "15 dagar på etterskot" in escalated["kari@example.no"][2]


def test_only_the_milestone_overdue_past_the_limit_goes_to_the_leader_and_sponsor(project, cli, smtp):
    # vdc's first milestone is 15 days overdue on 2026-04-15; a second one is due in 3 days.
    project("milestone", "add", "vdc", "Reguleringsplan på høyring", "--due", "2026-04-18",
            "--responsible", "Ola Nordmann")
    rows = check(cli, "2026-04-15T09:00", "--dry-run")
    told = {(r["item"], r["recipient"]) for r in rows}
    assert told == {("Områdeplan vedteken", "Ola Nordmann"), ("Områdeplan vedteken", "Lea Leiar"),
                    ("Områdeplan vedteken", "Kari Nordmann"), ("Reguleringsplan på høyring", "Ola Nordmann")}


def test_a_late_first_check_sends_only_the_current_step(project, cli, smtp):
    rows = check(cli, "2026-03-30")
    assert [r["step"] for r in rows] == ["before-3"]


def test_a_done_milestone_is_not_reminded(project, cli, smtp):
    assert [r["item"] for r in check(cli, "2026-03-31", "--dry-run")] == ["Områdeplan vedteken"]  # due that day
    project("milestone", "done", "vdc", "1", "--on", "2026-03-01", "--now", "2026-03-01")
    assert check(cli, "2026-03-31") == []
    assert smtp.received() == []


def test_a_person_without_email_gets_the_console_and_is_reported_unreachable(region, cli, smtp):
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("milestone", "add", "vdc", "Fiberavtale", "--due", "2026-05-01", "--responsible", "Per Leiar")
    r = cli("check", "--now", "2026-05-01")
    assert r.code == 0
    assert "[console] To Per Leiar: I dag: «Fiberavtale» (vdc) skal vere nådd" in r.err
    assert "unreachable (no email address): Per Leiar" in r.err
    rows = check(cli, "2026-05-01", "--dry-run")
    assert rows == []
    assert smtp.received() == []


def test_the_dry_run_writes_and_sends_nothing(project, cli, smtp, db_path):
    before = dump(db_path)
    rows = check(cli, "2026-03-31", "--dry-run")
    assert [(r["kind"], r["project"], r["item"], r["recipient"], r["channel"], r["due"]) for r in rows] == [
        ("milestone", "vdc", "Områdeplan vedteken", "Ola Nordmann", "email", "2026-03-31")]
    assert dump(db_path) == before and smtp.received() == []


def backdate_readiness(db_path, days: int) -> None:
    """Move the moment vdc became ready back: a sending check may not run ahead of the real clock."""
    from sqlmodel import select

    from plp.db import Database
    from plp.models import Project

    db = Database(str(db_path))
    with db.unit() as uow:
        project = uow.session.exec(select(Project).where(Project.code == "vdc")).one()
        project.ready_since -= dt.timedelta(days=days)
        uow.commit()
    db.dispose()


def test_a_ready_gate_waiting_14_days_reminds_the_sponsor(region, cli, smtp, db_path):
    region("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    region("checklist", "tick", "vdc", "idea_sketch")
    region("checklist", "tick", "vdc", "owners_identified")  # BP1 is ready from now on
    backdate_readiness(db_path, 40)  # ... from 40 days ago
    assert check(cli, in_days(-27)) == []
    rows = check(cli, in_days(-25))
    assert [(r["kind"], r["item"], r["recipient"]) for r in rows] == [("decision_waiting", "BP1", "Kari Nordmann")]
    assert check(cli, in_days(0)) == []
    [(rcpt, subject, body)] = smtp.received()
    assert subject == "Avgjerd ventar: BP1 i vdc" and 'plp decide vdc go --by "Kari Nordmann"' in body


def test_missing_anchoring_before_a_planned_meeting_reminds_the_leader_naming_the_municipality(region, cli, smtp):
    advance_to_pre_project(region)
    make_bp2_ready_except_anchoring(region)
    region("person", "add", "Lea Leiar", "--email", "lea@example.no", "--lang", "en")
    region("role", "assign", "vdc", "Lea Leiar", "leader")
    region("anchor", "record", "vdc", "--org", "Vennesla", "--body", "kommunestyre", "--ref", "PS 1/26",
           "--date", "2026-02-01", "--now", "2026-02-01")
    region("gate", "plan", "vdc", "--date", "2026-03-20", "--now", "2026-02-01")
    assert [r for r in check(cli, "2026-03-01") if r["kind"] == "anchoring_missing"] == []  # 19 days ahead
    rows = [r for r in check(cli, "2026-03-08") if r["kind"] == "anchoring_missing"]
    assert [(r["item"], r["recipient"], r["due"]) for r in rows] == [("Iveland", "Lea Leiar", "2026-03-20")]
    [(rcpt, subject, body)] = [m for m in smtp.received() if "Anchoring" in m[1]]
    assert rcpt == "lea@example.no"
    assert "Formal anchoring from Iveland is still missing" in body
    assert 'plp anchor record vdc --org "Iveland"' in body
    assert check(cli, "2026-03-09") == []


@pytest.mark.parametrize("outcome", ["hold", "stop"])
def test_projects_on_hold_or_stopped_send_nothing(project, cli, smtp, outcome):
    assert [r["item"] for r in check(cli, "2026-03-31", "--dry-run")] == ["Områdeplan vedteken"]  # while active
    project("decide", "vdc", outcome, "--by", "Kari Nordmann", "--now", "2026-03-01")
    assert check(cli, "2026-03-31") == []
    assert smtp.received() == []


def test_a_failed_delivery_stays_in_the_outbox_and_is_retried_with_backoff(project, cli, monkeypatch):
    port = free_port()
    monkeypatch.setenv("PLP_SMTP_URL", f"smtp://127.0.0.1:{port}")
    rows = check(cli, "2026-03-31T08:00")
    assert [(r["status"], r["channel"]) for r in rows] == [("failed", "email")]
    waiting = json.loads(cli("outbox", "list", "--json").out)
    assert [(w["status"], w["attempts"]) for w in waiting] == [("failed", 1)]
    assert "127.0.0.1" in waiting[0]["last_error"]
    assert check(cli, "2026-03-31T08:02") == []  # backing off: first retry after 5 minutes
    server = SmtpServer(port).start()
    try:
        rows = check(cli, "2026-03-31T08:06")
        assert [(r["step"], r["status"]) for r in rows] == [("due", "sent")]
        assert len(server.received()) == 1
        assert json.loads(cli("outbox", "list", "--json").out) == []
        assert check(cli, "2026-03-31T09:00") == []
    finally:
        server.stop()


def test_the_webhook_gets_one_json_post_per_reminder_and_retries_after_http_500(project, cli, monkeypatch):
    hook = WebhookServer(fail_first=1).start()
    monkeypatch.setenv("PLP_WEBHOOK_URL", hook.url)
    monkeypatch.delenv("PLP_SMTP_URL", raising=False)
    try:
        rows = check(cli, "2026-03-31T08:00")
        assert sorted((r["channel"], r["status"]) for r in rows) == [("console", "sent"), ("webhook", "failed")]
        assert "HTTP 500" in json.loads(cli("outbox", "list", "--json").out)[0]["last_error"]
        rows = check(cli, "2026-03-31T09:00")
        assert [(r["channel"], r["status"]) for r in rows] == [("webhook", "sent")]
        [post] = hook.posts
        assert set(post) == {"text"} and "Områdeplan vedteken" in post["text"] and "vdc" in post["text"]
    finally:
        hook.stop()


def test_concurrent_checks_never_send_a_duplicate(project, smtp, db_path):
    for i in range(12):
        project("milestone", "add", "vdc", f"Milepæl {i}", "--due", "2026-03-31", "--responsible",
                ["Kari Nordmann", "Ola Nordmann"][i % 2])
    procs = [subprocess.Popen([PLP_BIN, "check", "--now", "2026-03-31T07:30", "--json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    sent = [r for out, _ in outs for r in json.loads(out)]
    assert len(sent) == 13 and all(r["status"] == "sent" for r in sent)
    mails = smtp.received()
    assert len(mails) == 13
    assert len({(m[0], m[1]) for m in mails}) == 13
