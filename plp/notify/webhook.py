"""Webhook: one JSON POST per reminder, in the shape Teams and Slack incoming webhooks accept.

The URL is a secret: errors never repeat it (see :func:`plp.notify.redact`).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from plp.notify import DeliveryError


def escape(text: str) -> str:
    """Slack's escaping for message text: ``&``, ``<`` and ``>`` as entities, nothing else.

    User text such as ``<!channel>`` or ``<https://evil|click>`` would otherwise be a
    mention or a disguised link; escaped, it is shown literally. (Teams reads the
    text as markdown with HTML entities, so the same escaping serves it; not
    verified against a live Teams tenant.)
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def payload(subject: str, body: str) -> dict:
    """``text`` is what both Slack and Teams incoming webhooks show."""
    return {"text": f"*{escape(subject)}*\n\n{escape(body)}"}


def post(url: str, subject: str, body: str, timeout: float = 15) -> None:
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # a port that is not a number raises here
    except ValueError:
        valid = False
    if not valid:
        raise DeliveryError("PLP_WEBHOOK_URL must be an http:// or https:// URL")
    data = json.dumps(payload(subject, body), ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if not 200 <= resp.status < 300:
                raise DeliveryError(f"webhook answered HTTP {resp.status}")
    except urllib.error.HTTPError as e:
        raise DeliveryError(f"webhook answered HTTP {e.code}") from None
    except urllib.error.URLError as e:
        raise DeliveryError(f"webhook: {e.reason}") from None
    except http.client.HTTPException as e:  # not HTTP at all, or cut off half-way
        raise DeliveryError(f"webhook: bad reply ({type(e).__name__}: {e})") from None
    except (OSError, ValueError) as e:
        raise DeliveryError(f"webhook: {e}") from None
