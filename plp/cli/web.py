"""``plp serve``: the web interface."""

from __future__ import annotations

import typer

from plp.cli.state import keep_running, state


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: loopback only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (sessions live in the "
                                                                     "database, so any worker serves any request)."),
) -> None:
    """Serve the web interface for the database (--db / PLP_DB).

    Migrations run once before the server starts. PLP_BASE_URL sets the address used
    in emails and calendar feeds (cookies are Secure when it starts with https).

    Example: plp --db plp-demo.db serve --port 8000
    """
    import os

    import uvicorn

    from plp.settings import current

    keep_running()  # a server runs for days: the collector is on again
    st = state(ctx)
    st.db.upgrade()  # migrate once, here, before any worker starts
    st.db.dispose()
    # Workers are separate processes that build the app; they find the database here.
    os.environ["PLP_DB"] = st.target or current().db or st.db.url
    typer.echo(f"plp serves {st.db.display} on http://{host}:{port}/ (Ctrl+C stops it)", err=True)
    # The workers build the app without migrating again (plp.web:app and create_app() migrate at start).
    uvicorn.run("plp.web.app:worker", factory=True, host=host, port=port, workers=workers, log_level="warning",
                proxy_headers=False, server_header=False)
