"""The person's own page and the public one: language, signing out everywhere, publishing."""

from __future__ import annotations

from tests.web.conftest import open_page
from tests.web.pages import set_field, sign_in, submit
from tests.web.seed import KARI, READY, XSS


def test_signing_out_everywhere_ends_the_sessions_in_other_browsers(new_context, site):
    here, elsewhere = open_page(new_context()), open_page(new_context())
    for p in (here, elsewhere):
        sign_in(p, KARI)
    here.goto("/me?lang=en")
    submit(here, here.locator("#signout-all-form"))
    for p in (here, elsewhere):
        p.goto("/")
        assert "/login" in p.url


def test_the_language_chosen_on_me_is_used_on_the_pages_after(page, site):
    sign_in(page, KARI)
    page.goto("/me?lang=en")
    set_field(page.locator("#lang-form"), "lang", "nn")
    submit(page, page.locator("#lang-form"))
    for path in ("/", "/projects", f"/projects/{READY}"):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "nn", path


def test_the_public_page_shows_published_projects_only_and_needs_no_sign_in(page, site, new_context):
    anonymous = open_page(new_context())
    anonymous.goto("/public?lang=en")
    assert "/login" not in anonymous.url
    assert XSS["project name"] in anonymous.inner_text("#main")  # published by the seed
    assert "Grønt datasenter" not in anonymous.inner_text("#main")

    sign_in(page, KARI)  # the sponsor of `ready` publishes it
    page.goto(f"/projects/{READY}?lang=en")
    assert submit(page, page.locator("#publish-form")).ok
    anonymous.goto("/public?lang=en")
    assert "Grønt datasenter" in anonymous.inner_text("#main")
