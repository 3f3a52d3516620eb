"""Pages: Jinja2 templates in ``templates/``, always autoescaped."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse

from plp.web.auth import CSRF_COOKIE, Ctx, set_cookie

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    return env


def page(ctx: Ctx, template: str, *, status: int = 200, **data: Any) -> HTMLResponse:
    """The page ``template`` for this request, in the person's language."""
    html = _env().get_template(template).render(ctx=ctx, t=ctx.t, lang=ctx.lang, person=ctx.person,
                                                 csrf_token=ctx.csrf_token, q=ctx.lang_query(), **data)
    response = HTMLResponse(html, status_code=status)
    _cookies(ctx, response)
    return response


def redirect(ctx: Ctx | None, url: str) -> RedirectResponse:
    """303 See Other: the answer to every successful POST."""
    response = RedirectResponse(url, status_code=303)
    if ctx is not None:
        _cookies(ctx, response)
    return response


def _cookies(ctx: Ctx, response: Any) -> None:
    if CSRF_COOKIE in ctx.new_cookies:
        set_cookie(response, ctx.settings, CSRF_COOKIE, ctx.new_cookies[CSRF_COOKIE])
