"""The web's settings, read once when the app is built (from :class:`plp.settings.Settings`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from plp import settings as plp_settings
from plp.db import Database


@dataclass(frozen=True)
class Settings:
    db: Database
    base_url: str | None  # PLP_BASE_URL: for links in emails and calendar feeds
    today_override: str | None  # PLP_WEB_TODAY, for tests and demos only
    # Every PLP_* variable as read when the app was built (its database is opened with them).
    env: plp_settings.Settings = field(default_factory=plp_settings.Settings)

    @property
    def secure_cookies(self) -> bool:
        return bool(self.base_url and self.base_url.startswith("https"))

    def today(self) -> dt.date:
        from plp.dates import parse_date, today

        return parse_date(self.today_override, "PLP_WEB_TODAY") if self.today_override else today()

    def now(self) -> dt.datetime:
        from plp.db import utcnow

        return utcnow()

    def link(self, path: str) -> str | None:
        """``path`` on PLP_BASE_URL, or None when it is not set.

        Never built from the request: its Host header is the sender's to choose, so a
        link made from it could send a sign-in token to any address.
        """
        return self.base_url.rstrip("/") + path if self.base_url else None


def from_env(target: str | None, base_url: str | None) -> Settings:
    # A fresh read, not plp.settings.current(): `plp serve` sets PLP_DB for the app after
    # its own command's settings were read.
    env = plp_settings.Settings.from_env()
    with plp_settings.using(env):
        db = Database(target)
    return Settings(db=db, base_url=base_url or env.base_url, today_override=env.web_today, env=env)
