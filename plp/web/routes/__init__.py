"""The web's routes, one module per noun, as thin as the CLI's commands."""

from __future__ import annotations

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    from plp.web.routes import decide, login, me, projects, public, region, work

    for module in (login, work, projects, decide, region, me, public):
        app.include_router(module.router)
