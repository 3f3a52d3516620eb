"""The web interface: FastAPI, pages rendered on the server, no JavaScript.

``plp.web:app`` is the ASGI application for ``PLP_DB``; ``create_app()`` builds one
for any database (uvicorn ``--factory``, gunicorn, tests).
"""

from __future__ import annotations

from typing import Any


def create_app(target: str | None = None, *, base_url: str | None = None) -> Any:
    from plp.web.app import build

    return build(target, base_url=base_url)


def __getattr__(name: str) -> Any:
    # Built on first access, so importing plp.web (e.g. for create_app) opens no database.
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(name)
