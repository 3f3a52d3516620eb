"""``plp check``, ``plp outbox list`` and ``plp scheduler run``."""

from __future__ import annotations

from typing import Optional

import typer

from plp.cli.output import emit_json, say, table
from plp.cli.state import JSON_HELP, NOW_HELP, keep_running, state

outbox_app = typer.Typer(help="The outbox: reminders waiting to be delivered, and why.", no_args_is_help=True)
SHOWN = 100  # rows in the human table; --json gives all

scheduler_app = typer.Typer(help="Run the reminder check on a schedule.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(scheduler_app, name="scheduler")


def check(ctx: typer.Context,
          now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP),
          dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be sent; write and send nothing."),
          json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Find due and overdue milestones, waiting decisions and missing anchoring; send each reminder once.

    Also makes the moves time makes, once each, as the actor 'scheduler': missed
    conditions, hold reviews, dormant holds, expired anchoring, benefit reviews.

    Channels come from PLP_SMTP_URL / PLP_MAIL_FROM (email) and PLP_WEBHOOK_URL;
    people without an email address get the reminder on the console.

    Example: plp check --dry-run --now 2026-06-16
    """
    from plp import dates
    from plp.services.reminders import check as run_check

    result = run_check(state(ctx).db, now=dates.now(now, writes=not dry_run), dry_run=dry_run)
    if json_:
        emit_json(result.rows)
    else:
        shown = result.rows[:SHOWN]
        table([(r.kind, r.project, r.item, r.step, r.recipient, r.channel, r.due.isoformat(), r.status)
               for r in shown], ["kind", "project", "item", "step", "recipient", "channel", "due", "status"])
        if len(result.rows) > SHOWN:
            say(f"... and {len(result.rows) - SHOWN} more (use --json for all)")
    verb = "would send" if dry_run else "sent"
    moves = [r for r in result.rows if r.channel == "move"]
    deliveries = len(result.rows) - len(moves) if dry_run else result.sent
    summary = f"found {result.found}, {verb} {deliveries}"
    if moves:
        applied = sum(r.status == "applied" for r in moves)
        summary += f", {'would move' if dry_run else 'moved'} {len(moves) if dry_run else applied}"
    if not dry_run:
        summary += f", failed {result.failed}"
    if result.unreachable:
        names = ", ".join(result.unreachable[:10])
        more = f" and {len(result.unreachable) - 10} more" if len(result.unreachable) > 10 else ""
        summary += f"; unreachable (no email address): {names}{more}"
    say(summary)


@outbox_app.command("list")
def outbox_list(ctx: typer.Context,
                all_: bool = typer.Option(False, "--all", help="Include messages already sent."),
                json_: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Show what waits in the outbox and why (the last delivery error).

    --all adds the messages already sent or cancelled. A message names its
    recipient (a person, or "webhook"); webhook URLs and passwords are never shown.

    Example: plp outbox list
    """
    from plp.dates import show
    from plp.services.outbox import outbox

    rows = outbox(state(ctx).db, include_sent=all_)
    if json_:
        emit_json(rows)
        return
    table([(r.id, r.kind, r.project, r.item, r.recipient, r.channel, r.status, r.attempts,
            show(r.next_attempt_at)[:16].replace("T", " ") if r.status in ("pending", "failed") else "",
            r.last_error or "") for r in rows],
          ["id", "kind", "project", "item", "recipient", "channel", "status", "attempts", "next try", "last error"])


@outbox_app.command("retry")
def outbox_retry(ctx: typer.Context,
                 message_id: int = typer.Argument(..., metavar="ID", help="The message's id (see 'plp outbox list')."),
                 now: Optional[str] = typer.Option(None, "--now", help=NOW_HELP)) -> None:
    """Make a failed, waiting or cancelled message due now; the next check sends it.

    Its attempts so far are kept. A message already sent is refused.

    Example: plp outbox retry 12
    """
    from plp import dates
    from plp.services.outbox import retry

    st = state(ctx)
    row = retry(st.db, message_id=message_id, now=dates.now(now, writes=True), actor=st.actor)
    say(f"outbox message {row.id} to {row.recipient} ({row.channel}) is due now; "
        f"{row.attempts} attempt(s) so far")


@outbox_app.command("cancel")
def outbox_cancel(ctx: typer.Context,
                  message_id: int = typer.Argument(..., metavar="ID", help="The message's id (see 'plp outbox list').")
                  ) -> None:
    """Stop delivering a message that has not been sent (it stays listed with --all).

    Example: plp outbox cancel 12
    """
    from plp.services.outbox import cancel

    st = state(ctx)
    row = cancel(st.db, message_id=message_id, actor=st.actor)
    say(f"outbox message {row.id} to {row.recipient} ({row.channel}) is cancelled")


@scheduler_app.command("run")
def scheduler_run(
    ctx: typer.Context,
    every: Optional[float] = typer.Option(None, "--every", help="Check every SECONDS instead of on the schedule."),
    cron: Optional[str] = typer.Option(None, "--cron", help="Crontab schedule in Europe/Oslo time "
                                                            "(default: PLP_SCHEDULE, else '30 7 * * mon-fri')."),
    lease_seconds: float = typer.Option(120, "--lease-seconds", help="How long the sending lease lasts unrenewed."),
    misfire_grace: int = typer.Option(3600, "--misfire-grace", help="Seconds a missed run may be late and still run."),
    max_checks: Optional[int] = typer.Option(None, "--max-checks", help="Stop after this many checks."),
) -> None:
    """Run the reminder check on a schedule until stopped (SIGTERM or Ctrl-C).

    Only one scheduler per database sends at a time; a second one waits.

    Example: plp scheduler run --every 60
    """
    from plp.errors import InvalidInput
    from plp.scheduler import run

    if every is not None and every <= 0:
        raise InvalidInput("--every must be a positive number of seconds")
    if lease_seconds <= 0:
        raise InvalidInput("--lease-seconds must be positive")
    keep_running()  # checks for days: the collector is on again
    run(state(ctx).db, every=every, cron=cron, lease_seconds=lease_seconds, misfire_grace=misfire_grace,
        max_checks=max_checks)
