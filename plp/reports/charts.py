"""Charts drawn with matplotlib (no display needed): a project's timeline and the trust trend.

SVG keeps its text as text (``svg.fonttype: none``), so the labels can be searched
and read by screen readers, and carries no creation date, so the same data draws
the same file. PNG is drawn at 150 dpi.

Text is data: matplotlib's mathtext is off (``text.parse_math``), so a name with
``$x$`` is drawn as written instead of crashing or turning into a formula, and a
user's text longer than :data:`plp.reports.escape.CHART_LABEL_MAX` characters ends
in "…" (a long name would make an image too wide to save). A character the font
lacks (an emoji, say) stays as text in SVG and is drawn as a box in PNG, without a
warning on the terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plp.errors import InvalidInput
from plp.reports.escape import chart_label
from plp.services.results_reports import Timeline
from plp.texts import Labels

if TYPE_CHECKING:
    from plp.services.results_ops import TrustSummary

FORMATS = {".svg": "svg", ".png": "png"}
PHASE_COLOURS = ["#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
LIGHT_COLOURS = {"red": "#c62828", "yellow": "#f2b705", "green": "#2e7d32", "done": "#8a96a3"}
INK = "#1d2430"


def chart_format(path: Path | str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"cannot draw '{path}': the chart file must end in .svg or .png")
    return FORMATS[suffix]


def _rc() -> dict[str, Any]:
    return {"svg.fonttype": "none", "svg.hashsalt": "plp", "text.parse_math": False, "font.family": "DejaVu Sans",
            "font.size": 9, "axes.edgecolor": "#8a96a3", "axes.labelcolor": INK, "xtick.color": INK,
            "ytick.color": INK, "text.color": INK}


def _save(fig: Any, fmt: str) -> bytes:
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    with warnings.catch_warnings():  # "Glyph ... missing from font": a box in PNG is enough
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        fig.savefig(buf, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    return buf.getvalue()


def _layout(items: list[tuple[float, str]], days_per_char: float, levels: list[int]) -> list[int]:
    """A vertical offset (points) for each label so that labels on one level do not overlap."""
    ends: dict[int, float] = {}
    chosen = []
    for x, text in items:
        half = len(text) * days_per_char / 2
        level = next((lv for lv in levels if ends.get(lv, float("-inf")) < x - half), levels[len(chosen) % len(levels)])
        ends[level] = x + half + days_per_char
        chosen.append(level)
    return chosen


def _date_axis(ax: Any, lang: str) -> None:
    """Month ticks named in the report's language, with the year at January and at the first tick."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    t = Labels(lang)
    months = t("months").split()
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)

    def fmt(value: float, pos: int | None = None) -> str:
        day = mdates.num2date(value).date()
        if day.month == 1 and day.day == 1:
            return str(day.year)
        visible = [v for v in locator() if v >= ax.get_xlim()[0]]
        first = bool(visible) and abs(value - visible[0]) < 1e-6
        text = months[day.month - 1] if day.day == 1 else t("day_month", day=day.day, month=months[day.month - 1])
        return f"{text} {day.year}" if first else text

    ax.xaxis.set_major_formatter(FuncFormatter(fmt))


ROWS = {"phases": 3.0, "decisions": 1.75, "milestones": 0.5}  # the height of each lane of the timeline
OFFSETS = [9, -16, 19, -26]  # label offsets (points) that alternate above and below the marks


def timeline(data: Timeline, *, lang: str, fmt: str) -> bytes:
    """Phases as bars, decisions as diamonds, milestones as dots (coloured by traffic light), on dates."""
    import matplotlib
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    t = Labels(lang)
    r = data.report
    today = data.today
    milestones = [(m.due, m) for m in r.milestones]
    decisions = [(d.date, d) for d in r.decisions]
    planned = r.gate.planned_on if r.gate else None
    days = [data.start, data.end, today] + [d for d, _ in milestones] + [d for d, _ in decisions]
    if planned:
        days.append(planned)
    lo, hi = min(days), max(days)
    pad = dt.timedelta(days=max(14, (hi - lo).days // 25))
    days_per_char = (hi - lo + 2 * pad).days / 640 * 4.3  # about 4.3 pt per character at 7.5 pt, 640 pt of axis
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(10, 4.2))
        ax = fig.add_subplot()
        _phase_bars(ax, data, days_per_char)
        marks = [(mdates.date2num(day), chart_label(f"{d.decision_point}: {d.outcome_label}"), d.outcome)
                 for day, d in decisions]
        if planned:
            marks.append((mdates.date2num(planned),
                          chart_label(f"{r.gate.decision_point} ({t('planned_meeting').lower()} {planned})"),
                          "planned"))
        _decision_marks(ax, marks, days_per_char)
        _milestone_dots(ax, [(mdates.date2num(day), chart_label(m.title, 40), m.light) for day, m in milestones],
                        days_per_char)
        if not data.closed and lo <= today <= hi:
            ax.axvline(mdates.date2num(today), color="#c62828", linestyle="--", linewidth=1)
            ax.annotate(f"{t('today')} {today.isoformat()}", (mdates.date2num(today), 3.75), xytext=(-4, 0),
                        textcoords="offset points", color="#c62828", ha="right", va="center", fontsize=8)
        ax.set_yticks(list(ROWS.values()), [t("phase"), t("decisions"), t("milestones")])
        ax.set_ylim(-0.3, 4.0)
        ax.set_xlim(mdates.date2num(lo - pad), mdates.date2num(hi + pad))
        _timeline_frame(ax, lang)
        ax.set_title(f"{t('timeline')}: {chart_label(r.name)} ({r.code}) · {chart_label(r.phase_label)}, "
                     f"{chart_label(r.status_label)}",
                     loc="left", fontsize=11, fontweight="bold")
        return _save(fig, fmt)


def _phase_bars(ax: Any, data: Timeline, days_per_char: float) -> None:
    """One bar per phase span, labelled where the label fits; the legend; holds hatched over the bars."""
    import matplotlib.dates as mdates
    from matplotlib.patches import Patch

    for sp in data.spans:
        width = max((sp.end - sp.start).days, 1)
        label = chart_label(sp.label)
        ax.barh(ROWS["phases"], width, left=mdates.date2num(sp.start), height=0.55,
                color=PHASE_COLOURS[sp.index % len(PHASE_COLOURS)], edgecolor="white", linewidth=1)
        if len(label) * days_per_char * 0.8 < width or len(data.spans) == 1:
            ax.text(mdates.date2num(sp.start) + width / 2, ROWS["phases"] + 0.4, label, ha="center",
                    va="bottom", fontsize=8.5)
    seen: dict[str, int] = {}
    for sp in data.spans:
        seen.setdefault(chart_label(sp.label), sp.index)
    handles = [Patch(facecolor=PHASE_COLOURS[i % len(PHASE_COLOURS)], label=label) for label, i in seen.items()]
    if data.holds:
        handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="///",
                             label=chart_label(data.hold_label)))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(handles), 6),
              frameon=False, fontsize=8, handlelength=1.2)
    for a, b in data.holds:
        ax.barh(ROWS["phases"], max((b - a).days, 1), left=mdates.date2num(a), height=0.55, fill=False,
                hatch="///", edgecolor="#555555", linewidth=0)


def _decision_marks(ax: Any, marks: list[tuple[float, str, str]], days_per_char: float) -> None:
    """A diamond per decision (green go, red stop, amber otherwise) and a hollow one for the planned meeting."""
    for (x, text, outcome), off in zip(marks, _layout([(x, s) for x, s, _ in marks], days_per_char, OFFSETS)):
        colour = {"stop": "#c62828", "go": "#2e7d32", "planned": "white"}.get(outcome, "#e08e0b")
        ax.plot(x, ROWS["decisions"], marker="D", markersize=8, markerfacecolor=colour,
                markeredgecolor=INK if outcome == "planned" else "white", linestyle="none")
        ax.annotate(text, (x, ROWS["decisions"]), xytext=(0, off), textcoords="offset points", ha="center",
                    fontsize=7.5, style="italic" if outcome == "planned" else "normal")


def _milestone_dots(ax: Any, dots: list[tuple[float, str, str]], days_per_char: float) -> None:
    for (x, text, colour), off in zip(dots, _layout([(x, s) for x, s, _ in dots], days_per_char, OFFSETS)):
        ax.plot(x, ROWS["milestones"], marker="o", markersize=8, color=LIGHT_COLOURS[colour],
                markeredgecolor="white", linestyle="none")
        ax.annotate(text, (x, ROWS["milestones"]), xytext=(0, off), textcoords="offset points", ha="center",
                    fontsize=7.5)


def _timeline_frame(ax: Any, lang: str) -> None:
    """Dates below, a light grid, no box."""
    _date_axis(ax, lang)
    ax.grid(axis="x", color="#e3e7ec", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)


def trust_trend(data: TrustSummary, *, lang: str, fmt: str) -> bytes:
    """The mean of each factor per round, with the flag line at 3."""
    import matplotlib
    from matplotlib.figure import Figure

    from plp.services.trust import FACTORS

    t = Labels(lang)
    rounds = data.rounds
    xs = list(range(len(rounds)))
    colours = ["#1f5a85", "#c62828", "#2e7d32", "#e08e0b", "#6a3d9a"]
    markers = ["o", "s", "^", "D", "v"]
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(8.5, 4.4))
        ax = fig.add_subplot()
        ax.axhspan(1, 3, color="#fbe4e4", alpha=0.55, linewidth=0)
        ax.axhline(3, color="#c62828", linestyle="--", linewidth=1)
        ax.text(-0.35, 2.92, t("flag_line"), color="#c62828", fontsize=7.5, va="top")
        flagged = {f.factor for f in data.factors if f.flag}
        current = [r.round for r in rounds].index(data.round)
        for i, key in enumerate(FACTORS):
            ys = [r.means[key] for r in rounds]
            label = t("factor_" + key) + (" ⚠" if key in flagged else "")
            ax.plot(xs, ys, marker=markers[i], color=colours[i], linewidth=2, markersize=6, label=label)
            if key in flagged:  # a ring round the flagged factor in the reported round
                ax.plot(current, ys[current], marker="o", markersize=15, markerfacecolor="none",
                        markeredgecolor="#c62828", markeredgewidth=1.5, linestyle="none")
            ax.annotate(f"{ys[-1]:.2f}", (xs[-1], ys[-1]), xytext=(10, 0), textcoords="offset points",
                        va="center", fontsize=7.5, color=colours[i])
        ax.set_xticks(xs, [f"{chart_label(r.round)}\n({t('answers').lower()}: {r.answers})" for r in rounds])
        ax.set_xlim(-0.4, max(len(rounds) - 1, 1) + 0.4)
        ax.set_ylim(1, 5.2)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.set_ylabel(t("mean"))
        ax.grid(axis="y", color="#e3e7ec", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8.5)
        ax.set_title(t("trust_trend"), loc="left", fontsize=11, fontweight="bold")
        return _save(fig, fmt)
