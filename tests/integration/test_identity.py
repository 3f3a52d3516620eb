"""Identity: who acts is a resolved person; administrators; the holes issue 10 closed.

The holes and the rules around them are shown through the in-process ``cli`` (the same
``plp.cli.main`` and error mapping); the first hole also through the installed ``plp``
(``plp_bin``), as a user would meet it.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import assert_one_line_error, dump, query


@pytest.fixture
def guarded(region, snapshot):
    """The region with Kari as administrator and require-identity on (built once per process)."""
    snapshot("identity_guarded", lambda: _make_guarded(region), base="region")
    return region


def _make_guarded(region) -> None:
    region("--as", "Kari Nordmann", "init", "--admin", "Kari Nordmann")
    region("--as", "Kari Nordmann", "config", "set", "require-identity", "true")


def _has_open(pid: int, path) -> bool:
    """Process ``pid`` holds ``path`` open (Linux's /proc; without it, say yes and rely on the pause after)."""
    folder = f"/proc/{pid}/fd"
    if not os.path.isdir(folder):
        return True
    try:
        want = os.path.realpath(str(path))
        return any(os.path.realpath(os.readlink(os.path.join(folder, fd))) == want for fd in os.listdir(folder))
    except OSError:  # a descriptor closed while we looked
        return False


def _events(db_path, kind: str) -> list[tuple]:
    return query(db_path, "SELECT actor, actor_id, data FROM event WHERE kind = :k ORDER BY id", k=kind)


# ------------------------------------------------------------------ the holes


def test_a_known_person_who_is_not_an_administrator_cannot_switch_require_identity_off(guarded, plp_bin,
                                                                                        db_path):
    before = dump(db_path)
    result = plp_bin("--as", "Ola Nordmann", "config", "set", "require-identity", "false")
    assert_one_line_error(result, contains="that needs an administrator")
    assert dump(db_path) == before
    assert plp_bin("--as", "kari@example.no", "config", "set", "require-identity", "false").code == 0


def test_a_known_person_cannot_add_a_puppet_to_an_owner_organisation(guarded, cli, db_path):
    before = dump(db_path)
    result = cli("--as", "Ola Nordmann", "person", "add", "Dukke", "--org", "Vennesla")
    assert_one_line_error(result, contains="that needs an administrator")
    assert dump(db_path) == before
    assert cli("--as", "Ola Nordmann", "person", "add", "Utan Org").code == 0  # no organisation: no power
    assert cli("--as", "Kari Nordmann", "person", "add", "Ny Rådgjevar", "--org", "Vennesla").code == 0


def test_nobody_but_the_respondent_or_an_administrator_replaces_a_trust_answer(region, cli, db_path):
    region("--as", "Kari Nordmann", "init", "--admin", "Kari Nordmann")
    answer = ["trust", "record", "--round", "2026", "--respondent", "Per Leiar", "--date", "2026-01-05",
              "--now", "2026-01-05"]
    assert cli("--as", "Per Leiar", *answer, "--scores", "4,4,4,4,4").code == 0
    before = dump(db_path)
    result = cli("--as", "Ola Nordmann", *answer, "--scores", "1,1,1,1,1", "--replace")
    assert_one_line_error(result, contains="that needs the respondent or an administrator")
    assert dump(db_path) == before
    assert cli("--as", "Per Leiar", *answer, "--scores", "5,4,4,4,4", "--replace").code == 0
    assert cli("--as", "Kari Nordmann", *answer, "--scores", "3,4,4,4,4", "--replace").code == 0


def test_import_needs_an_administrator_of_the_imported_database(region, cli, tmp_path):
    region("--as", "Kari Nordmann", "init", "--admin", "Kari Nordmann")
    export = tmp_path / "region.json"
    assert cli("export", "json", "--output", str(export)).code == 0
    target = tmp_path / "copy.db"
    assert cli("--db", str(target), "init").code == 0
    before = dump(target)
    result = cli("--db", str(target), "--as", "Ola Nordmann", "import", "json", str(export))
    assert_one_line_error(result, contains="needs one of its administrators (Kari Nordmann)")
    assert dump(target) == before
    result = cli("--db", str(target), "--as", "kari@example.no", "import", "json", str(export))
    assert result.code == 0, result.err
    admins = json.loads(cli("--db", str(target), "admin", "list", "--json").out)
    assert [a["name"] for a in admins] == ["Kari Nordmann"]
    assert cli("--db", str(target), "audit", "verify").code == 0


def test_import_knows_its_administrator_by_any_name_a_command_would_accept(region, cli, tmp_path):
    """The importer is resolved among the imported people as every command resolves its
    actor: the name in another case, as ``--as kari nordmann`` works elsewhere."""
    region("--as", "Kari Nordmann", "init", "--admin", "Kari Nordmann")
    export = tmp_path / "region.json"
    assert cli("export", "json", "--output", str(export)).code == 0
    target = tmp_path / "copy.db"
    assert cli("--db", str(target), "init").code == 0
    result = cli("--db", str(target), "--as", "kari nordmann", "import", "json", str(export))
    assert result.code == 0, result.err
    assert cli("--db", str(target), "audit", "verify").code == 0


# ------------------------------------------------------------ administrators


def test_init_admin_makes_the_first_administrator_and_only_the_first(region, cli, db_path):
    result = cli("init", "--admin", "ola@example.no")
    assert result.code == 0 and "Ola Nordmann is an administrator" in result.err + result.out
    assert cli("init", "--admin", "Ola Nordmann").code == 0  # again: nothing changes
    before = dump(db_path)
    assert_one_line_error(cli("init", "--admin", "Kari Nordmann"), contains="already has an administrator")
    assert_one_line_error(cli("init", "--admin", "Nobody Known"), contains="already has an administrator")
    assert dump(db_path) == before
    assert [a["name"] for a in json.loads(cli("admin", "list", "--json").out)] == ["Ola Nordmann"]


def test_init_admin_with_an_email_adds_the_administrator_to_a_new_database(cli, tmp_path):
    target = str(tmp_path / "new.db")
    result = cli("--db", target, "init", "--admin", "Åse Æsir", "--admin-email", "ase@example.no")
    assert result.code == 0, result.err
    admins = json.loads(cli("--db", target, "admin", "list", "--json").out)
    assert [(a["name"], a["email"]) for a in admins] == [("Åse Æsir", "ase@example.no")]
    assert cli("--db", target, "audit", "verify").code == 0


def test_only_an_administrator_grants_and_the_last_one_cannot_be_revoked(guarded, cli, db_path):
    before = dump(db_path)
    assert_one_line_error(cli("--as", "Ola Nordmann", "admin", "grant", "Ola Nordmann"),
                          contains="that needs an administrator")
    assert_one_line_error(cli("--as", "Kari Nordmann", "admin", "revoke", "Kari Nordmann"),
                          contains="last administrator")
    assert dump(db_path) == before
    guarded("--as", "Kari Nordmann", "admin", "grant", "Ola Nordmann")
    guarded("--as", "Ola Nordmann", "admin", "revoke", "Kari Nordmann")
    assert [a["name"] for a in json.loads(cli("admin", "list", "--json").out)] == ["Ola Nordmann"]
    granted = _events(db_path, "admin_granted")
    assert [(actor, json.loads(data)["person"]) for actor, _, data in granted] == [
        ("init", "Kari Nordmann"), ("Kari Nordmann", "Ola Nordmann")]
    assert [r[0] for r in _events(db_path, "admin_revoked")] == ["Ola Nordmann"]
    assert cli("audit", "verify").code == 0


def test_two_administrators_revoking_each_other_at_once_leave_one(guarded, cli, db_path, tmp_path):
    """The 'last administrator' count is made inside the write, where the two writers queue."""
    import time

    from tests.pause import PausedWriter, wait_for

    guarded("--as", "Kari Nordmann", "admin", "grant", "Ola Nordmann")
    with PausedWriter(tmp_path / "inside", "--db", str(db_path), "--as", "Kari Nordmann",
                      "admin", "revoke", "Ola Nordmann") as first:
        first.wait_until_inside()  # Kari's revoke is written, not committed
        second = PausedWriter(tmp_path / "never", "--db", str(db_path), "--as", "Ola Nordmann",
                              "admin", "revoke", "Kari Nordmann")
        if "://" in str(db_path):  # PostgreSQL: wait until the second writer queues behind the first
            wait_for(lambda: query(db_path, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                            "current_database() AND wait_event_type = 'Lock'")[0][0] > 0,
                     what="the second revoke queueing")
        else:  # SQLite shows no queue to look at: once the second process has the database open
            # (started and imported, however loaded the machine), give it time to queue
            wait_for(lambda: _has_open(second.proc.pid, db_path) or second.proc.poll() is not None,
                     what="the second revoke opening the database")
            time.sleep(2)
        assert first.release()[0] == 0
        code, err = second.release() if (tmp_path / "never").exists() else (second.proc.wait(120),
                                                                             second.proc.stderr.read())
    assert code == 1 and "last administrator" in err, err
    assert [a["name"] for a in json.loads(cli("admin", "list", "--json").out)] == ["Kari Nordmann"]
    assert cli("audit", "verify").code == 0


def test_settings_stay_open_while_a_database_has_no_administrator(region, cli):
    region("--as", "Ola Nordmann", "config", "set", "require-identity", "true")
    region("--as", "Per Leiar", "config", "set", "require-identity", "false")
    assert json.loads(cli("config", "show", "--json").out)["settings"] == {"require-identity": "false"}


def test_config_show_lists_the_administrator_rules(cli):
    shown = json.loads(cli("config", "show", "--json").out)
    rules = {r["action"]: r["who"] for r in shown["permissions"]}
    assert rules["trust.answer"] == "the respondent or an administrator"
    assert rules["setting.change"].startswith("an administrator")
    assert "import" in rules and "admin.grant" in rules


# ---------------------------------------------------------- resolving names


def test_an_ambiguous_acting_name_is_an_error(region, cli, db_path):
    region("person", "add", "Ola Nordmann", "--email", "ola2@example.no")
    before = dump(db_path)
    assert_one_line_error(cli("--as", "Ola Nordmann", "org", "add", "Birkenes"),
                          contains="2 people are called 'Ola Nordmann'; use the email or id")
    assert dump(db_path) == before
    assert cli("--as", "ola2@example.no", "org", "add", "Birkenes").code == 0


def test_events_record_the_acting_persons_name_and_id(region, db_path):
    region("--as", "kari@example.no", "org", "add", "Birkenes")
    [(actor, actor_id, _)] = _events(db_path, "org_added")[-1:]
    kari = query(db_path, "SELECT id FROM person WHERE email = 'kari@example.no'")[0][0]
    assert (actor, actor_id) == ("Kari Nordmann", kari)


def test_the_creator_rule_compares_the_person_not_the_name(region, cli, db_path):
    region("--as", "Per Leiar", "project", "create", "ny", "Ny", "--workflow", "plp", "--owner", "Vennesla")
    region("person", "add", "Per Leiar", "--email", "per2@example.no", "--org", "Vennesla")
    before = dump(db_path)
    assert_one_line_error(cli("--as", "per2@example.no", "role", "assign", "ny", "Kari Nordmann", "sponsor"),
                          contains="that needs the sponsor")
    assert dump(db_path) == before
    creator = query(db_path, "SELECT id FROM person WHERE name = 'Per Leiar' AND email IS NULL")[0][0]
    assert query(db_path, "SELECT created_by_id FROM project WHERE code = 'ny'") == [(creator,)]
    region("--as", str(creator), "role", "assign", "ny", "Kari Nordmann", "sponsor")


def test_a_new_person_can_act_at_once_in_the_same_process(region, cli, db_path):
    """No process-wide cache: a name added a moment ago is a known person for the next command."""
    region("--as", "Nora Ny", "org", "add", "Birkenes")
    region("person", "add", "Nora Ny", "--org", "Vennesla")
    region("--as", "Nora Ny", "org", "add", "Lillesand")
    nora = query(db_path, "SELECT id FROM person WHERE name = 'Nora Ny'")[0][0]
    assert [(a, i) for a, i, _ in _events(db_path, "org_added")[-2:]] == [("Nora Ny", None), ("Nora Ny", nora)]


# ------------------------------------------------- require-identity defaults


def test_a_new_sqlite_database_starts_with_require_identity_off(cli, tmp_path):
    target = str(tmp_path / "fresh.db")
    assert cli("--db", target, "init").code == 0
    assert json.loads(cli("--db", target, "config", "show", "--json").out)["settings"] == {
        "require-identity": "false"}


# ------------------------------------------------------------- PostgreSQL

def _pg(pg_server):
    if pg_server is None:
        pytest.skip("needs PostgreSQL (PLP_TEST_BACKEND=postgresql)")
    return pg_server


def _fresh_pg_database(pg_server, name: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin, base = _pg(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    return make_url(base + f"/{name}").render_as_string(hide_password=False)


def test_a_new_postgresql_database_starts_with_require_identity_on(pg_server, cli):
    target = _fresh_pg_database(pg_server, "plp_fresh_identity")
    result = cli("--db", target, "init", "--admin", "Kari Nordmann", "--admin-email", "kari@example.no")
    assert result.code == 0, result.err
    assert json.loads(cli("--db", target, "config", "show", "--json").out)["settings"] == {
        "require-identity": "true"}
    assert_one_line_error(cli("--db", target, "--as", "nobody", "org", "add", "Vennesla"),
                          contains="requires a known acting person")
    assert cli("--db", target, "--as", "Kari Nordmann", "org", "add", "Vennesla").code == 0
    assert cli("--db", target, "audit", "verify").code == 0


@pytest.fixture
def login_role(pg_server, db_path):
    """A second PostgreSQL login role ('kari_login') that may use this test's database; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin, _ = _pg(pg_server)
    url = make_url(db_path)
    with admin.connect() as conn:
        conn.execute(text("DROP ROLE IF EXISTS kari_login"))
        conn.execute(text("CREATE ROLE kari_login LOGIN PASSWORD 'kari-secret-pw'"))
        conn.execute(text(f'GRANT ALL ON DATABASE "{url.database}" TO kari_login'))
    engine = create_engine(db_path, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:  # the tables belong to the test's own role
        conn.execute(text("GRANT ALL ON ALL TABLES IN SCHEMA public TO kari_login"))
        conn.execute(text("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO kari_login"))
    engine.dispose()
    yield url.set(username="kari_login", password="kari-secret-pw").render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'REVOKE ALL ON DATABASE "{url.database}" FROM kari_login'))


def test_on_postgresql_the_login_role_is_the_acting_person_and_as_cannot_claim_another(region, cli, db_path,
                                                                                      login_role):
    region("init", "--admin", "Ola Nordmann")
    region("--as", "Ola Nordmann", "config", "set", "require-identity", "true")
    region("--as", "Ola Nordmann", "person", "login", "Kari Nordmann", "--db-role", "kari_login")
    # Kari connects with her own role: she is Kari, whatever PLP_USER says
    result = cli("--db", login_role, "org", "add", "Birkenes")
    assert result.code == 0, result.err
    assert _events(db_path, "org_added")[-1][:1] == ("Kari Nordmann",)
    before = dump(db_path)
    assert_one_line_error(cli("--db", login_role, "--as", "Ola Nordmann", "org", "add", "Lillesand"),
                          contains="connected as database role kari_login, which is Kari Nordmann")
    assert dump(db_path) == before
    assert cli("--db", login_role, "--as", "Kari Nordmann", "org", "add", "Lillesand").code == 0
    # once logins are linked, a connection whose role is linked to nobody is nobody known
    assert_one_line_error(cli("--as", "Ola Nordmann", "org", "add", "Grimstad"),
                          contains="requires a known acting person")


@pytest.mark.sqlite_only  # on PostgreSQL the first link makes the test's own unlinked connection nobody (see above)
def test_person_login_needs_an_administrator_and_can_be_cleared(guarded, cli, db_path):
    before = dump(db_path)
    assert_one_line_error(cli("--as", "Ola Nordmann", "person", "login", "Ola Nordmann", "--db-role", "ola"),
                          contains="that needs an administrator")
    assert_one_line_error(cli("--as", "Kari Nordmann", "person", "login", "Ola Nordmann"),
                          contains="either --db-role ROLE or --clear")
    assert dump(db_path) == before
    guarded("--as", "Kari Nordmann", "person", "login", "Ola Nordmann", "--db-role", "ola")
    assert_one_line_error(cli("--as", "Kari Nordmann", "person", "login", "Per Leiar", "--db-role", "ola"),
                          contains="already linked to Ola Nordmann")
    guarded("--as", "Kari Nordmann", "person", "login", "Ola Nordmann", "--clear")
    assert query(db_path, "SELECT db_role FROM person WHERE name = 'Ola Nordmann'") == [(None,)]
    assert [json.loads(d)["db_role"] for _, _, d in _events(db_path, "person_login_set")] == ["ola"]


def test_the_web_turns_a_session_into_an_actor_in_one_place():
    from plp.actor import Actor
    from plp.services.signin import SessionPerson
    from plp.web.auth import actor_of

    person = SessionPerson(session_id=7, person_id=3, name="Kari «K» Nordmann", email=None, lang=None)
    assert actor_of(person) == Actor("Kari «K» Nordmann", 3, "web-session")
