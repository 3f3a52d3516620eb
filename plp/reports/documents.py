"""The text reports: status report, portfolio and agenda as Markdown, HTML, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from plp.reports.escape import csv_cell
from plp.texts import Labels
from plp.reports.render import check_format, render
from plp.services.results import plain
from plp.services.results_reports import PortfolioGroup, PortfolioRow, StatusReport

if TYPE_CHECKING:
    from plp.services.results_ops import TrustSummary

STATUS_FORMATS = ("md", "html", "json")
PORTFOLIO_FORMATS = ("md", "html", "csv", "json")
AGENDA_FORMATS = ("md", "html", "json")


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def status(report: StatusReport, fmt: str) -> str:
    """The status report (a typed :class:`plp.services.results_reports.StatusReport`)."""
    check_format(fmt, STATUS_FORMATS)
    if fmt == "json":
        return _json(report.to_json())
    return render("status", fmt, report.lang, r=report, as_of=report.as_of.isoformat())


def portfolio(rows: list[PortfolioRow] | list[PortfolioGroup], fmt: str, *, lang: str, by: str | None,
              as_of: str, title: str | None = None) -> str:
    """The portfolio: rows, or groups of rows with ``by`` (as :func:`plp.services.reporting.portfolio` gives them)."""
    check_format(fmt, PORTFOLIO_FORMATS)
    if fmt == "json":
        return _json(plain(rows))
    groups = rows if by else [PortfolioGroup(group=None, projects=rows)]
    if fmt == "csv":
        return _csv(groups, lang, by)
    return render("portfolio", fmt, lang, groups=groups, by=by, as_of=as_of, title=title)


def _csv(groups: list[PortfolioGroup], lang: str, by: str | None) -> str:
    """One row per project (per group with ``by``); machine-readable keys, labels beside them.

    Every cell goes through :func:`plp.reports.escape.csv_cell`, so a name such as
    ``=HYPERLINK(...)`` is text in a spreadsheet, not a formula.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    head = ["code", "name", "phase", "phase_label", "status", "status_label", "next_decision_point",
            "planned_on", "ready", "criteria_met", "criteria_total", "missing", "red", "yellow", "owners",
            "measures"]
    w.writerow(([by] if by else []) + head)  # our own words: nothing to neutralise
    for g in groups:
        for p in g.projects:
            ready = "" if p.ready is None else ("yes" if p.ready else "no")
            row = [p.code, p.name, p.phase, p.phase_label, p.status, p.status_label,
                   p.next_decision_point or "", p.planned_on.isoformat() if p.planned_on else "", ready,
                   "" if p.criteria_met is None else p.criteria_met,
                   "" if p.criteria_total is None else p.criteria_total, "; ".join(p.missing),
                   p.red, p.yellow, "; ".join(f"{o.org}:{o.grade}" for o in p.owners),
                   "; ".join(f"#{m.id} {m.title}" for m in p.measures)]
            w.writerow([csv_cell(c) for c in ([g.group] if by else []) + row])
    return buf.getvalue()


def agenda(data: Any, fmt: str) -> str:
    """The agenda (a typed :class:`plp.services.network.Agenda`) as JSON, Markdown or HTML."""
    check_format(fmt, AGENDA_FORMATS)
    if fmt == "json":
        return _json(data.to_json())
    return render("agenda", fmt, data.lang, a=data, as_of=data.date.isoformat())


def trust_rows(data: TrustSummary, lang: str) -> list[dict[str, Any]]:
    """The trust report's factors with labels and flag texts in ``lang``."""
    t = Labels(lang)
    out = []
    for f in data.factors:
        flags = []
        if "fell" in f.reasons:
            flags.append(t("flag_fell", n=f"{-f.change:.2f}"))
        if "low" in f.reasons:
            flags.append(t("flag_low"))
        out.append(dict(f.to_json(), label=t("factor_" + f.factor), flag_text="; ".join(flags)))
    return out
