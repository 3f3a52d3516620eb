"""What the notices of the moves time makes say (plp/services/timed.py), per language. Pure.

The reason (in English, as in the history) is quoted under the message, so the
reader sees exactly what the check found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: plp.reminders calls this module
    from plp.reminders import DueReminder, Recipient

KINDS = ("condition_missed", "hold_review", "dormant", "anchoring_lapsed", "benefit_review")

_T: dict[str, dict[str, str]] = {
    "nn": {
        "greeting": "Hei {name},", "sign": "Helsing plp – prosjektverktøyet for regionen",
        "condition_missed_subject": "Vilkår ikkje oppfylt: {code}",
        "condition_missed": "Vilkåret «{item}» for prosjektet {project} ({code}) skulle vore oppfylt innan {due}.",
        "hold": "Prosjektet er sett på vent. Det må takast ei avgjerd for å ta det opp att.",
        "condition_cmd": "Når vilkåret er oppfylt, registrer det:",
        "hold_review_subject": "Vurder prosjektet på vent: {code}",
        "hold_review": "Prosjektet {project} ({code}) har vore på vent, og vurderingsdatoen {due} er nådd. "
                       "Ta det opp att eller stopp det.",
        "dormant_subject": "Prosjektet {code} er sovande",
        "dormant": "Prosjektet {project} ({code}) har vore på vent sidan {held_on} og er no markert som sovande.",
        "dormant_stop_subject": "Prosjektet {code} er stoppa",
        "dormant_stop": "Prosjektet {project} ({code}) har vore på vent sidan {held_on} og er no stoppa.",
        "lapsed_subject": "Forankringa frå {item} har gått ut: {code}",
        "lapsed": "Vedtaket frå {item} om prosjektet {project} ({code}) galdt til {due}. "
                  "{item} må gjere nytt vedtak før {dp}.",
        "benefit_subject": "Gevinstvurdering {item}: {code}",
        "benefit": "Det er tid for gevinstvurdering {item} av prosjektet {project} ({code}). "
                   "Vurder kvart effektmål:",
    },
    "nb": {
        "greeting": "Hei {name},", "sign": "Hilsen plp – prosjektverktøyet for regionen",
        "condition_missed_subject": "Vilkår ikke oppfylt: {code}",
        "condition_missed": "Vilkåret «{item}» for prosjektet {project} ({code}) skulle vært oppfylt innen {due}.",
        "hold": "Prosjektet er satt på vent. Det må tas en beslutning for å gjenoppta det.",
        "condition_cmd": "Når vilkåret er oppfylt, registrer det:",
        "hold_review_subject": "Vurder prosjektet på vent: {code}",
        "hold_review": "Prosjektet {project} ({code}) har vært på vent, og vurderingsdatoen {due} er nådd. "
                       "Gjenoppta eller stopp det.",
        "dormant_subject": "Prosjektet {code} er sovende",
        "dormant": "Prosjektet {project} ({code}) har vært på vent siden {held_on} og er nå markert som sovende.",
        "dormant_stop_subject": "Prosjektet {code} er stoppet",
        "dormant_stop": "Prosjektet {project} ({code}) har vært på vent siden {held_on} og er nå stoppet.",
        "lapsed_subject": "Forankringen fra {item} har gått ut: {code}",
        "lapsed": "Vedtaket fra {item} om prosjektet {project} ({code}) gjaldt til {due}. "
                  "{item} må fatte nytt vedtak før {dp}.",
        "benefit_subject": "Gevinstvurdering {item}: {code}",
        "benefit": "Det er tid for gevinstvurdering {item} av prosjektet {project} ({code}). "
                   "Vurder hvert effektmål:",
    },
    "en": {
        "greeting": "Hello {name},", "sign": "plp – the region's project tool",
        "condition_missed_subject": "Condition not met: {code}",
        "condition_missed": "The condition \"{item}\" of the project {project} ({code}) was to be met by {due}.",
        "hold": "The project has been put on hold. Resuming it needs a decision.",
        "condition_cmd": "When the condition is met, record it:",
        "hold_review_subject": "Review the project on hold: {code}",
        "hold_review": "The project {project} ({code}) is on hold and its review date {due} has come. "
                       "Resume it or stop it.",
        "dormant_subject": "The project {code} is dormant",
        "dormant": "The project {project} ({code}) has been on hold since {held_on} and is now marked dormant.",
        "dormant_stop_subject": "The project {code} is stopped",
        "dormant_stop": "The project {project} ({code}) has been on hold since {held_on} and is now stopped.",
        "lapsed_subject": "The anchoring by {item} has expired: {code}",
        "lapsed": "The decision of {item} on the project {project} ({code}) was valid until {due}. "
                  "{item} must decide again before {dp}.",
        "benefit_subject": "Benefit review {item}: {code}",
        "benefit": "It is time for benefit review {item} of the project {project} ({code}). "
                   "Assess each effect goal:",
    },
}


def compose(r: DueReminder, to: Recipient, web: list[str] | None = None) -> tuple[str, str]:
    """Subject and body of a notice; ``web`` (the labelled link that
    :func:`plp.reminders.compose` makes) stands before the reason and the signature."""
    t = _T.get(to.lang, _T["nn"])
    v = dict(r.extra, name=to.name, item=r.item, code=r.code, project=r.project, due=r.due.isoformat(),
             held_on=r.step)
    lines = [t["greeting"].format(**v), ""]
    if r.kind == "condition_missed":
        subject = t["condition_missed_subject"]
        lines.append(t["condition_missed"].format(**v))
        if r.extra.get("effect") == "hold":
            lines.append(t["hold"])
        lines += ["", t["condition_cmd"], f"  plp condition met {r.code} {r.item_id}"]
    elif r.kind == "hold_review":
        subject = t["hold_review_subject"]
        lines += [t["hold_review"].format(**v), "", f"  plp decide {r.code} resume --by \"{to.name}\"",
                  f"  plp decide {r.code} stop --by \"{to.name}\""]
    elif r.kind == "dormant":
        stop = r.extra.get("effect") == "stop"
        subject = t["dormant_stop_subject" if stop else "dormant_subject"]
        lines.append(t["dormant_stop" if stop else "dormant"].format(**v))
    elif r.kind == "anchoring_lapsed":
        subject = t["lapsed_subject"]
        lines += [t["lapsed"].format(**v), "",
                  f"  plp anchor record {r.code} --org \"{r.item}\" --body kommunestyre --ref SAKSNR --date YYYY-MM-DD"]
    else:
        subject = t["benefit_subject"]
        review = r.step.removeprefix("r")
        lines += [t["benefit"].format(**v), "",
                  f"  plp benefit record {r.code} GOAL --review {review} --achieved yes|partly|no --value TEXT"]
    lines += [*(web or []), "", f"({r.extra.get('reason', '')})", "", t["sign"]]
    return subject.format(**v), "\n".join(lines) + "\n"
