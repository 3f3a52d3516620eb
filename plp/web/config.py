"""The web's settings, read once when the app is built (from :class:`plp.settings.Settings`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from plp import settings as plp_settings
from plp.dates import local_tz, parse_date
from plp.db import Database, utcnow


@dataclass(frozen=True)
class Settings:
    db: Database
    base_url: str | None  # PLP_BASE_URL: for links in emails and calendar feeds
    today_override: dt.date | None  # PLP_WEB_TODAY, for tests and demos only
    # Every PLP_* variable as read when the app was built (its database is opened with them).
    env: plp_settings.Settings = field(default_factory=plp_settings.Settings)

    @property
    def secure_cookies(self) -> bool:
        return bool(self.base_url and self.base_url.startswith("https"))

    def as_of(self) -> dt.datetime:
        """The moment the pages date things from: now, or noon (local time) on PLP_WEB_TODAY when set.

        The one place the override applies. Sessions, sign-in links, the attempt limit
        and the time a record was made keep the real clock (:meth:`now`), so a test day
        never freezes the sign-in rules.
        """
        if self.today_override is None:
            return self.now()
        return dt.datetime.combine(self.today_override, dt.time(12), tzinfo=local_tz())

    def today(self) -> dt.date:
        """The pages' today: the local date of :meth:`as_of`."""
        return self.as_of().astimezone(local_tz()).date()

    def now(self) -> dt.datetime:
        """The real clock (UTC)."""
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
    today = parse_date(env.web_today, "PLP_WEB_TODAY") if env.web_today else None  # a bad one fails at start
    return Settings(db=db, base_url=base_url or env.base_url, today_override=today, env=env)
