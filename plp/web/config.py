"""The web's settings, read once when the app is built."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from plp.db import Database


@dataclass(frozen=True)
class Settings:
    db: Database
    base_url: str | None  # PLP_BASE_URL: for links in emails and calendar feeds
    today_override: str | None  # PLP_WEB_TODAY, for tests and demos only

    @property
    def secure_cookies(self) -> bool:
        return bool(self.base_url and self.base_url.startswith("https"))

    def today(self) -> dt.date:
        from plp.dates import parse_date, today

        return parse_date(self.today_override, "PLP_WEB_TODAY") if self.today_override else today()

    def now(self) -> dt.datetime:
        from plp.db import utcnow

        return utcnow()

    def absolute(self, path: str, request_base: str) -> str:
        """``path`` on PLP_BASE_URL, else on the address the request came to."""
        base = (self.base_url or request_base).rstrip("/")
        return base + path


def from_env(target: str | None, base_url: str | None) -> Settings:
    return Settings(db=Database(target), base_url=base_url or os.environ.get("PLP_BASE_URL") or None,
                    today_override=os.environ.get("PLP_WEB_TODAY") or None)
