"""--now on a command that writes or sends may not lie in the future; reading and --dry-run may look ahead."""

from __future__ import annotations

import json

import pytest

from tests.conftest import assert_one_line_error, dump
from tests.servers import SmtpServer

FUTURE = "2099-01-05"


@pytest.fixture
def prepared(region, snapshot):
    snapshot("now_rule", lambda: _prepare(region), base="region")
    return region


def _prepare(ok) -> None:
    ok("role", "assign", "vdc", "Kari Nordmann", "sponsor")
    ok("checklist", "tick", "vdc", "idea_sketch")
    ok("checklist", "tick", "vdc", "owners_identified")
    ok("milestone", "add", "vdc", "Skisse", "--due", "2026-03-31", "--responsible", "Ola Nordmann")
    ok("plan", "add", "snp", "Strategisk næringsplan", "--now", "2026-01-02")
    ok("measure", "add", "snp", "Grøn datalagring", "--responsible", "Vennesla")


# Every command that writes or sends and takes --now.
WRITERS = [
    ["decide", "vdc", "go", "--by", "Kari Nordmann"],
    ["anchor", "record", "vdc", "--org", "Iveland", "--body", "kommunestyre", "--ref", "PS 1/26",
     "--date", "2026-03-10"],
    ["gate", "plan", "vdc", "--date", "2099-02-01"],
    ["milestone", "done", "vdc", "1", "--on", "2026-03-01"],
    ["plan", "add", "kp", "Kystplan"],
    ["measure", "add", "snp", "Felles areal", "--responsible", "Iveland"],
    ["measure", "link", "1", "vdc"],
    ["measure", "status", "1", "in_progress"],
    ["network", "meeting", "record", "--date", "2026-03-05", "--attendee", "Kari Nordmann"],
    ["trust", "record", "--round", "2026", "--respondent", "Kari Nordmann", "--scores", "4,3,5,4,3",
     "--date", "2026-03-01"],
    ["check"],
]


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[:2]))
def test_a_writing_command_refuses_a_now_in_the_future_and_changes_nothing(prepared, cli, db_path, args):
    before = dump(db_path)
    result = cli(*args, "--now", FUTURE)
    assert_one_line_error(result, contains=f"--now {FUTURE} lies in the future")
    assert dump(db_path) == before


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[:2]))
def test_a_writing_command_accepts_a_now_in_the_past(prepared, cli, args):
    result = cli(*args, "--now", "2026-11-20")
    assert result.code == 0, result.err


def test_check_with_a_future_now_sends_no_mail(prepared, cli, db_path, monkeypatch):
    server = SmtpServer().start()
    try:
        monkeypatch.setenv("PLP_SMTP_URL", server.url)
        monkeypatch.setenv("PLP_MAIL_FROM", "plp@region.example")
        prepared("person", "add", "Anne Epost", "--email", "anne@example.no")
        prepared("milestone", "add", "vdc", "Med e-post", "--due", "2026-03-31", "--responsible", "Anne Epost")
        before = dump(db_path)
        assert_one_line_error(cli("check", "--now", FUTURE), contains="lies in the future")
        assert server.received() == [] and dump(db_path) == before
        # the same look ahead as a dry run shows what would be sent, and still sends nothing
        dry = cli("check", "--now", FUTURE, "--dry-run", "--json")
        assert dry.code == 0, dry.err
        assert any(r["recipient"] == "Anne Epost" and r["channel"] == "email" for r in json.loads(dry.out))
        assert server.received() == [] and dump(db_path) == before
    finally:
        server.stop()


@pytest.mark.parametrize("args", [
    ["project", "show", "vdc"], ["milestone", "list", "--overdue"], ["report", "status", "vdc"],
    ["report", "portfolio"], ["network", "agenda"], ["export", "ics"], ["check", "--dry-run"],
], ids=" ".join)
def test_a_reading_command_may_look_into_the_future(prepared, cli, db_path, args):
    before = dump(db_path)
    result = cli(*args, "--now", FUTURE)
    assert result.code == 0, result.err
    assert dump(db_path) == before


def test_a_now_in_the_spring_gap_is_refused_on_any_command(prepared, cli):
    assert_one_line_error(cli("milestone", "list", "--now", "2026-03-29T02:30"),
                          contains="that time does not exist in Europe/Oslo")
    assert_one_line_error(cli("milestone", "done", "vdc", "1", "--now", "2026-10-25T02:15"),
                          contains="occurs twice in Europe/Oslo")


# Writers whose success needs more setup (a condition, a completed project, a failed
# message): the refusal of a future --now comes before anything else is looked at.
LATER_WRITERS = [
    ["condition", "met", "vdc", "1"],
    ["benefit", "record", "vdc", "1", "--review", "1", "--achieved", "yes", "--value", "12 jobs"],
    ["outbox", "retry", "1"],
]


@pytest.mark.parametrize("args", LATER_WRITERS, ids=lambda a: " ".join(a[:2]))
def test_time_and_outbox_commands_refuse_a_now_in_the_future_and_change_nothing(prepared, cli, db_path, args):
    before = dump(db_path)
    result = cli(*args, "--now", FUTURE)
    assert_one_line_error(result, contains=f"--now {FUTURE} lies in the future")
    assert dump(db_path) == before
