"""What a reminder says, in the recipient's language. Pure: no database, no clock.

The *finding* of due reminders is set-based SQL in :mod:`plp.services.reminders`;
the *sending* is the outbox there and the channels in :mod:`plp.notify`. This module
turns one due reminder into a subject and a plain-text body in nynorsk (the
default), bokmål or English, naming the project, what is due and when, and the
command that settles it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plp.notify import Channels

KINDS = ("milestone", "decision_waiting", "anchoring_missing")


@dataclass(slots=True)
class Recipient:
    person_id: int | None
    name: str
    email: str | None
    lang: str = "nn"
    role: str = "responsible"  # responsible|leader|sponsor


@dataclass(slots=True)
class DueReminder:
    """One reminder that is due and not yet created."""

    kind: str
    project_id: int
    code: str
    project: str
    item_id: int
    item: str  # milestone title, decision point, or organisation
    step: str  # before-14, before-3, due, overdue-N; the decision point round; ...
    due: dt.date
    recipients: list[Recipient] = field(default_factory=list)
    days: int = 0  # days left (milestones; negative when overdue) or days waiting
    escalated: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.item_id}:{self.step}"


@dataclass(slots=True)
class Planned:
    channel: str
    recipient: Recipient | None  # None: the webhook, addressed to the team
    address: str

    @property
    def unreachable(self) -> bool:
        return self.recipient is not None and not self.recipient.email


def plan(r: DueReminder, channels: Channels) -> list[Planned]:
    """The deliveries of one reminder: email (or console) per recipient, one webhook post."""
    out: list[Planned] = []
    for to in r.recipients:
        if to.email and channels.smtp_url:
            out.append(Planned("email", to, to.email))
        else:
            out.append(Planned("console", to, to.email or to.name))
    if channels.webhook_url:
        # The row names the channel, not the URL: a webhook URL is a secret.
        out.append(Planned("webhook", None, "webhook"))
    return out


_T = {
    "nn": {
        "greeting": "Hei {name},",
        "sign": "Helsing plp – prosjektverktøyet for regionen",
        "ms_subject_before": "Påminning: «{item}» ({code}) skal vere nådd {due}",
        "ms_subject_due": "I dag: «{item}» ({code}) skal vere nådd",
        "ms_subject_overdue": "På etterskot: «{item}» ({code}) skulle vore nådd {due}",
        "ms_before": "Milepælen «{item}» i prosjektet {project} ({code}) skal vere nådd {due}, om {days} dagar.",
        "ms_due": "Milepælen «{item}» i prosjektet {project} ({code}) skal vere nådd i dag, {due}.",
        "ms_overdue": "Milepælen «{item}» i prosjektet {project} ({code}) skulle vore nådd {due}. "
                      "Han er {days} dagar på etterskot.",
        "ms_escalated": "Prosjektleiar og prosjektansvarleg får òg denne påminninga, "
                        "sidan milepælen er meir enn {limit} dagar på etterskot.",
        "ms_role": "Ansvarleg for milepælen: {responsible}.",
        "ms_cmd": "Når milepælen er nådd, merk han som ferdig:",
        "dw_subject": "Avgjerd ventar: {item} i {code}",
        "dw_body": "{item} i prosjektet {project} ({code}) har vore klar for avgjerd sidan {due}, "
                   "men det er ikkje teke nokon avgjerd på {days} dagar.",
        "dw_cmd": "Når avgjerda er teken, registrer ho (go, rework, hold eller stop):",
        "am_subject": "Forankring manglar: {item} for {code} før {due}",
        "am_body": "Avgjerdsmøtet for {dp} i prosjektet {project} ({code}) er planlagt {due}. "
                   "Formell forankring frå {item} manglar framleis.",
        "am_cmd": "Når vedtaket ligg føre, registrer det:",
        "web": "Eller gjer det på nettsida:",
    },
    "nb": {
        "greeting": "Hei {name},",
        "sign": "Hilsen plp – prosjektverktøyet for regionen",
        "ms_subject_before": "Påminnelse: «{item}» ({code}) skal være nådd {due}",
        "ms_subject_due": "I dag: «{item}» ({code}) skal være nådd",
        "ms_subject_overdue": "Forsinket: «{item}» ({code}) skulle vært nådd {due}",
        "ms_before": "Milepælen «{item}» i prosjektet {project} ({code}) skal være nådd {due}, om {days} dager.",
        "ms_due": "Milepælen «{item}» i prosjektet {project} ({code}) skal være nådd i dag, {due}.",
        "ms_overdue": "Milepælen «{item}» i prosjektet {project} ({code}) skulle vært nådd {due}. "
                      "Den er {days} dager forsinket.",
        "ms_escalated": "Prosjektleder og prosjektansvarlig får også denne påminnelsen, "
                        "siden milepælen er mer enn {limit} dager forsinket.",
        "ms_role": "Ansvarlig for milepælen: {responsible}.",
        "ms_cmd": "Når milepælen er nådd, merk den som ferdig:",
        "dw_subject": "Beslutning venter: {item} i {code}",
        "dw_body": "{item} i prosjektet {project} ({code}) har vært klar for beslutning siden {due}, "
                   "men det er ikke tatt noen beslutning på {days} dager.",
        "dw_cmd": "Når beslutningen er tatt, registrer den (go, rework, hold eller stop):",
        "am_subject": "Forankring mangler: {item} for {code} før {due}",
        "am_body": "Beslutningsmøtet for {dp} i prosjektet {project} ({code}) er planlagt {due}. "
                   "Formell forankring fra {item} mangler fortsatt.",
        "am_cmd": "Når vedtaket foreligger, registrer det:",
        "web": "Eller gjør det på nettsiden:",
    },
    "en": {
        "greeting": "Hello {name},",
        "sign": "plp – the region's project tool",
        "ms_subject_before": "Reminder: \"{item}\" ({code}) is due {due}",
        "ms_subject_due": "Today: \"{item}\" ({code}) is due",
        "ms_subject_overdue": "Overdue: \"{item}\" ({code}) was due {due}",
        "ms_before": "The milestone \"{item}\" in the project {project} ({code}) is due {due}, in {days} days.",
        "ms_due": "The milestone \"{item}\" in the project {project} ({code}) is due today, {due}.",
        "ms_overdue": "The milestone \"{item}\" in the project {project} ({code}) was due {due}. "
                      "It is {days} days overdue.",
        "ms_escalated": "The project leader and the sponsor receive this reminder too, "
                        "since the milestone is more than {limit} days overdue.",
        "ms_role": "Responsible for the milestone: {responsible}.",
        "ms_cmd": "When the milestone is reached, mark it as done:",
        "dw_subject": "Decision waiting: {item} in {code}",
        "dw_body": "{item} in the project {project} ({code}) has been ready for a decision since {due}, "
                   "but no decision has been taken for {days} days.",
        "dw_cmd": "When the decision is taken, record it (go, rework, hold or stop):",
        "am_subject": "Anchoring missing: {item} for {code} before {due}",
        "am_body": "The decision meeting for {dp} in the project {project} ({code}) is planned for {due}. "
                   "Formal anchoring from {item} is still missing.",
        "am_cmd": "When the decision has been made, record it:",
        "web": "Or do it on the web:",
    },
}


def link(r: DueReminder, base_url: str | None) -> str | None:
    """The web page where the reminder is settled, on ``base_url`` (PLP_BASE_URL); None without one."""
    if not base_url:
        return None
    base = base_url.rstrip("/")
    if r.kind == "milestone":
        return f"{base}/projects/{r.code}#milestone-{r.item_id}"
    if r.kind == "decision_waiting":
        return f"{base}/projects/{r.code}/decide"
    if r.kind == "anchoring_missing":
        return f"{base}/projects/{r.code}#anchoring"
    return f"{base}/projects/{r.code}"


def compose(r: DueReminder, to: Recipient, base_url: str | None = None) -> tuple[str, str]:
    """Subject and plain-text body of ``r`` for ``to``, in ``to.lang``.

    With a web address (``base_url``, by default PLP_BASE_URL) the body also links
    to the page where the thing is settled.
    """
    from plp import timed_texts

    if base_url is None:
        from plp.settings import current

        base_url = current().base_url
    t = _T.get(to.lang, _T["nn"])
    url = link(r, base_url)
    web = ["", t["web"], f"  {url}"] if url else []
    if r.kind in timed_texts.KINDS:  # the notices of the moves time makes
        return timed_texts.compose(r, to, web)
    v = dict(r.extra, name=to.name, item=r.item, code=r.code, project=r.project, due=r.due.isoformat(),
             days=abs(r.days))
    lines = [t["greeting"].format(**v), ""]
    if r.kind == "milestone":
        if r.step == "due":
            subject, text = t["ms_subject_due"], t["ms_due"]
        elif r.step.startswith("overdue"):
            subject, text = t["ms_subject_overdue"], t["ms_overdue"]
        else:
            subject, text = t["ms_subject_before"], t["ms_before"]
        lines.append(text.format(**v))
        if to.role != "responsible":
            lines.append(t["ms_role"].format(**v))
        if r.escalated:
            lines.append(t["ms_escalated"].format(**v))
        lines += ["", t["ms_cmd"], f"  plp milestone done {r.code} {r.item_id}"]
    elif r.kind == "decision_waiting":
        subject = t["dw_subject"]
        lines += [t["dw_body"].format(**v), "", t["dw_cmd"],
                  f"  plp decide {r.code} go --by \"{to.name}\""]
    else:
        subject = t["am_subject"]
        lines += [t["am_body"].format(**v), "", t["am_cmd"],
                  f"  plp anchor record {r.code} --org \"{r.item}\" --body kommunestyre --ref SAKSNR --date YYYY-MM-DD"]
    lines += [*web, "", t["sign"]]
    return subject.format(**v), "\n".join(lines) + "\n"
