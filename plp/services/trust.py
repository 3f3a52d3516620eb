"""The trust check: five factors of trust between the actors, scored 1-5 in rounds.

The factors, in the order ``--scores`` takes them: shared goals and a shared
understanding of them, anchoring, attitudes, good processes, and the framework for
the collaboration.

A round is named freely (``2016``, ``2016-autumn``); rounds are ordered by the
date of their first answer, then by name. Per factor the report gives the mean,
the spread (population standard deviation of the answers), the number of answers
and the change of the mean since the previous round, and flags a factor whose
mean fell by 0.5 or more, or is below 3. Means are computed exactly (fractions),
so a fall of exactly 0.5 is flagged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from fractions import Fraction

from sqlmodel import select

from plp import permissions
from plp.actor import Actor
from plp.db import Database, UnitOfWork
from plp.errors import AlreadyExists, InvalidInput, NotFound
from plp.models import Person, TrustAnswer
from plp.services.common import _short, clean_text, get_person, not_after_today
from plp.services.results_ops import TrustAnswerView, TrustFactor, TrustReport, TrustRound, TrustSummary

FACTORS = ("shared_goals", "anchoring", "attitudes", "processes", "framework")
FALL = Fraction(1, 2)
LOW = Fraction(3)
_ROUND = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _./-]{0,39}$")


def parse_scores(text: str) -> tuple[int, ...]:
    """``4,3,5,4,3``: five whole scores from 1 to 5, in the order of :data:`FACTORS`."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    if len(parts) != len(FACTORS):
        raise InvalidInput(f"--scores needs {len(FACTORS)} scores (1-5) separated by commas, one per factor "
                           f"({', '.join(FACTORS)}); got {len([p for p in parts if p])}: '{_short(text)}'")
    scores = []
    for factor, part in zip(FACTORS, parts):
        if not part.isdigit() or not 1 <= int(part) <= 5:
            raise InvalidInput(f"invalid score '{_short(part)}' for {factor}: scores are whole numbers from 1 to 5")
        scores.append(int(part))
    return tuple(scores)


def check_answer(round: str, scores: tuple[int, ...] | str, comment: str | None) -> tuple[int, ...]:
    """What 'trust record' (and 'import json') accepts; returns the scores."""
    if isinstance(scores, str):
        scores = parse_scores(scores)
    elif len(scores) != len(FACTORS) or any(isinstance(s, bool) or s not in range(1, 6) for s in scores):
        raise InvalidInput(f"scores are {len(FACTORS)} whole numbers from 1 to 5, one per factor")
    if not _ROUND.match(round or ""):
        raise InvalidInput(f"invalid round '{_short(round or '')}': use up to 40 letters, digits, spaces or "
                           "'-_./', e.g. 2016 or 2016-autumn")
    clean_text(comment, "comment", multiline=True, max_len=2000, required=False)
    return tuple(scores)


def record(db: Database, *, round: str, respondent: str, scores: tuple[int, ...] | str, comment: str | None = None,
           on: dt.date, today: dt.date, replace: bool = False, now: dt.datetime, actor: Actor) -> TrustAnswerView:
    """Record one respondent's answer in a round; ``replace`` corrects an earlier answer."""
    scores = check_answer(round, scores, comment)
    not_after_today(on, today, "answer date")
    with db.unit(actor) as uow:
        person = get_person(uow, respondent)
        permissions.check_admin(uow, "trust.answer", own_person_id=person.id, open_without_identity=True)
        earlier = answer_of(uow, round, person.id)
        if earlier is not None and not replace:
            raise AlreadyExists(f"{person.name} has already answered round {round} (use --replace to correct it)")
        uow.end_read()
        if earlier is not None:
            uow.session.delete(earlier)
            uow.flush()
        answer = TrustAnswer(round=round, respondent_id=person.id, answered_on=on, comment=comment, created_at=now,
                             **dict(zip(FACTORS, scores)))
        uow.add(answer)
        uow.flush()
        uow.event("trust_answer_recorded", {"answer_id": answer.id, "round": round, "respondent": person.name,
                                            "scores": dict(zip(FACTORS, scores)), "comment": comment,
                                            "date": on.isoformat(), "replaced": earlier is not None})
        uow.commit()
        return answer_view(answer, person.name)


def answer_view(a: TrustAnswer, respondent: str) -> TrustAnswerView:
    return TrustAnswerView(id=a.id, round=a.round, respondent=respondent,
                           scores={f: getattr(a, f) for f in FACTORS}, answered_on=a.answered_on, comment=a.comment)


def answer_of(uow: UnitOfWork, round: str, person_id: int) -> TrustAnswer | None:
    """The person's answer in the round, or None when they have not answered it."""
    return uow.session.exec(select(TrustAnswer).where(TrustAnswer.round == round,
                                                      TrustAnswer.respondent_id == person_id)).first()


def own_answer(db: Database, *, round: str, person_id: int) -> TrustAnswerView | None:
    """The person's own answer in the round (the web's trust form), or None."""
    with db.unit() as uow:
        answer = answer_of(uow, round, person_id)
        return answer_view(answer, uow.session.get(Person, person_id).name) if answer else None


def _stats(values: list[int]) -> tuple[Fraction, float]:
    mean = Fraction(sum(values), len(values))
    var = sum((v - mean) ** 2 for v in values) / len(values)
    return mean, math.sqrt(var)


def summarise(rounds: list[tuple[str, dt.date, list[tuple[int, ...]]]], current: str | None = None) -> TrustSummary:
    """The report for ``current`` (default: the latest round) from rounds in order, oldest first.

    Pure: ``rounds`` is ``[(name, first answer date, [scores, ...]), ...]``.
    """
    if not rounds:
        raise NotFound("no trust answers recorded yet (see 'plp trust record')")
    names = [r[0] for r in rounds]
    if current is None:
        index = len(rounds) - 1
    elif current in names:
        index = names.index(current)
    else:
        raise NotFound(f"unknown round '{_short(current)}' (rounds: {', '.join(names)})")
    name, _, answers = rounds[index]
    previous = rounds[index - 1] if index > 0 else None
    factors = []
    for i, key in enumerate(FACTORS):
        mean, spread = _stats([a[i] for a in answers])
        prev_mean = _stats([a[i] for a in previous[2]])[0] if previous else None
        change = mean - prev_mean if prev_mean is not None else None
        reasons = []
        if change is not None and change <= -FALL:
            reasons.append("fell")
        if mean < LOW:
            reasons.append("low")
        factors.append(TrustFactor(factor=key, mean=round(float(mean), 2), spread=round(spread, 2),
                                   answers=len(answers),
                                   previous_mean=round(float(prev_mean), 2) if prev_mean is not None else None,
                                   change=round(float(change), 2) if change is not None else None,
                                   flag=bool(reasons), reasons=reasons))
    trend = [TrustRound(round=r, date=d, answers=len(a),
                        means={key: round(float(_stats([x[i] for x in a])[0]), 2) for i, key in enumerate(FACTORS)})
             for r, d, a in rounds]
    return TrustSummary(round=name, previous_round=previous[0] if previous else None, answers=len(answers),
                        factors=factors, rounds=trend)


def report(db: Database, *, round: str | None = None) -> TrustReport:
    """``trust report --json``: the chosen (or latest) round against the one before, and the trend."""
    with db.unit() as uow:
        rows = uow.session.exec(select(TrustAnswer, Person.name).join(Person, Person.id == TrustAnswer.respondent_id)
                                .order_by(TrustAnswer.id)).all()
    grouped: dict[str, list[TrustAnswer]] = {}
    for a, _ in rows:
        grouped.setdefault(a.round, []).append(a)
    ordered = sorted(grouped.items(), key=lambda kv: (min(a.answered_on for a in kv[1]), kv[0]))
    rounds = [(name, min(a.answered_on for a in answers), [tuple(getattr(a, f) for f in FACTORS) for a in answers])
              for name, answers in ordered]
    summary = summarise(rounds, round)
    # Comments are shown without names: a trust check invites frank answers.
    return TrustReport(**{f.name: getattr(summary, f.name) for f in dataclasses.fields(summary)},
                       comments=[a.comment for a in grouped[summary.round] if a.comment])
