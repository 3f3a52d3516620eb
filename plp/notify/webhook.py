"""Webhook: one JSON POST per reminder, in the shape Teams and Slack incoming webhooks accept."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from plp.notify import DeliveryError


def payload(subject: str, body: str) -> dict:
    """``text`` is what both Slack and Teams incoming webhooks show."""
    return {"text": f"*{subject}*\n\n{body}"}


def post(url: str, subject: str, body: str, timeout: float = 15) -> None:
    data = json.dumps(payload(subject, body), ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if not 200 <= resp.status < 300:
                raise DeliveryError(f"webhook answered HTTP {resp.status}")
    except urllib.error.HTTPError as e:
        raise DeliveryError(f"webhook answered HTTP {e.code}") from None
    except (urllib.error.URLError, OSError) as e:
        raise DeliveryError(f"webhook: {getattr(e, 'reason', e)}") from None
