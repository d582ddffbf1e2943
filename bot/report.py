"""The moderation report: `doxguard report --html FILE` and `/doxguard stats`.

Communities publish transparency reports; moderators want to know how often doxxing
was caught, of which kind, where, and how often they overturned the bot (the dismiss
rate is the false-positive rate they care about). The store aggregates every figure
in SQL (`Store.report_rows`); this module only names and draws them, so the chat
reply and the HTML file show the same headline numbers.

Privacy: the report holds counts, ordinance categories, channel names and roles —
never an excerpt, a value or a message. Protected people appear by role only, unless
the operator asks for names (`--names`).
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.models import Category, ReportRows

_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"h": 3600, "d": 86_400, "w": 7 * 86_400}
DEFAULT_SINCE = "30d"
WEEKLY_AFTER_DAYS = 92  # longer periods are drawn per week: a bar a day gets too thin

# one colour per ordinance category, readable on white and told apart in the legend
PALETTE: dict[str, str] = {
    "social_security_number": "#b91c1c",
    "birth_date": "#c2410c",
    "home_address": "#1d4ed8",
    "email_address": "#0f766e",
    "phone_number": "#7e22ce",
    "financial_information": "#a16207",
    "health_or_insurance_information": "#be185d",
    "school_or_employment_location": "#15803d",
}
ACTION_COLOURS = {"hidden": "#1d4ed8", "restored": "#0f766e", "dismissed": "#b91c1c",
                  "under review": "#a16207", "could not hide": "#6b7280"}


class ReportSource(Protocol):
    """What the report needs of a store backend: the aggregates, computed in its SQL."""

    async def report_rows(self, since: float, server: str | None = None,
                          platform: str | None = None, top: int = 10,
                          week: bool = False) -> ReportRows: ...


def parse_since(text: str) -> int:
    """`30d`, `12h`, `2w` -> seconds. Raises ValueError with the accepted forms."""
    m = _SINCE.match(text)
    if not m or int(m.group(1)) == 0:
        raise ValueError(f"--since {text!r}: give a period like 30d, 12h or 2w")
    return int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()]


def duration(seconds: float | None) -> str:
    """A median decision time as a person reads it."""
    if seconds is None:
        return "no decisions yet"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


@dataclass(frozen=True, slots=True)
class Report:
    rows: ReportRows
    since: float
    until: float
    scope: str  # "all servers" or the server asked for
    names: bool = False
    weekly: bool = False  # `rows.by_day` holds weeks (their Mondays)

    # -- the headline numbers (chat and HTML show these same values) ----------
    @property
    def hidden(self) -> int:
        return self.rows.by_status.get("hidden", 0) + self.rows.by_status.get("confirmed", 0)

    @property
    def restored(self) -> int:
        return self.rows.by_status.get("restored", 0)

    @property
    def dismissed(self) -> int:
        return self.rows.by_status.get("dismissed", 0)

    @property
    def review(self) -> int:
        return self.rows.by_status.get("review", 0)

    @property
    def hide_failed(self) -> int:
        return self.rows.by_status.get("hide-failed", 0)

    @property
    def dismiss_rate(self) -> str:
        total = self.rows.total
        return f"{100 * self.dismissed / total:.1f} %" if total else "–"

    def headline(self) -> list[tuple[str, str, str]]:
        """(key, label, value) of each headline number, in display order."""
        return [
            ("total", "incidents", f"{self.rows.total:,}"),
            ("hidden", "hidden", f"{self.hidden:,}"),
            ("restored", "restored", f"{self.restored:,}"),
            ("dismissed", "dismissed", f"{self.dismissed:,}"),
            ("dismiss_rate", "dismiss rate (false positives)", self.dismiss_rate),
            ("median_decision", "median time to a moderator decision",
             duration(self.rows.median_decision_seconds)),
        ]

    def period(self) -> str:
        return f"{_day(self.since)} – {_day(self.until)} UTC"


def _day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


async def build_report(store: ReportSource, since_seconds: int, server: str | None = None,
                       names: bool = False, now: float | None = None) -> Report:
    """The report for the last `since_seconds`; `server` is an id or "platform:id"."""
    until = time.time() if now is None else now
    platform, server_id = None, server
    if server and ":" in server:
        platform, server_id = server.split(":", 1)
    weekly = since_seconds > WEEKLY_AFTER_DAYS * 86_400
    rows = await store.report_rows(until - since_seconds, server_id, platform, week=weekly)
    return Report(rows, until - since_seconds, until, server or "all servers", names, weekly)


def stats_text(report: Report) -> str:
    """The `/doxguard stats` reply: the headline numbers of the HTML report."""
    lines = [f"doxguard stats, {report.period()} ({report.scope}):"]
    lines += [f"  {label}: {value}" for _key, label, value in report.headline()]
    if report.review or report.hide_failed:
        lines.append(f"  under review: {report.review}, could not hide: {report.hide_failed}")
    if report.rows.channels:
        _p, _c, name, count = report.rows.channels[0]
        lines.append(f"  top channel: #{name} ({count})")
    lines.append("  full report: doxguard report --html FILE (operators)")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# HTML


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _days(report: Report) -> list[str]:
    first = datetime.fromtimestamp(report.since, UTC).date()
    last = datetime.fromtimestamp(report.until, UTC).date()
    step = 7 if report.weekly else 1
    if report.weekly:
        first -= timedelta(days=first.weekday())  # the Monday SQLite buckets the week by
    count = (last - first).days // step + 1
    return [(first + timedelta(days=i * step)).isoformat() for i in range(count)]


def _over_time_svg(report: Report) -> str:
    """Stacked bars: incidents per UTC day, one colour per ordinance category."""
    days = _days(report)
    per_day: dict[str, dict[str, int]] = {d: {} for d in days}
    for day, category, count in report.rows.by_day:
        per_day.setdefault(day, {})[category] = count
    tallest = max((sum(c.values()) for c in per_day.values()), default=0) or 1
    # a narrow viewBox: on a phone the chart is drawn near its own size, so text stays legible
    width, height, left, bottom, top = 360, 190, 26, 20, 8
    plot_h = height - bottom - top
    step = (width - left - 4) / max(len(days), 1)
    bar = max(step * 0.8, 1.0)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="incidents per day by ordinance category" class="chart">']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#d1d5db" stroke-width="1"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{tallest * frac:.0f}</text>')
    for i, day in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for category in PALETTE:
            n = per_day.get(day, {}).get(category, 0)
            if not n:
                continue
            h = plot_h * n / tallest
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[category]}"><title>{_e(day)}: {n} '
                         f'{_e(Category(category).title)}</title></rect>')
    for i in sorted({0, len(days) // 2, len(days) - 1}):
        x = left + i * step + step / 2
        anchor = "start" if i == 0 else "end" if i == len(days) - 1 else "middle"
        x = left if anchor == "start" else width if anchor == "end" else x
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}" '
                     f'font-size="11">{_e(days[i][5:])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _bars_svg(items: list[tuple[str, int, str]], label: str) -> str:
    """Horizontal bars, one per (label, count, colour)."""
    width, row, start = 360, 26, 104
    height = row * len(items) + 6
    most = max((n for _l, n, _c in items), default=0) or 1
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}" '
             'class="chart">']
    for i, (name, n, colour) in enumerate(items):
        y = 4 + i * row
        w = (width - start - 48) * n / most
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{_e(name)}</text>')
        parts.append(f'<rect x="{start}" y="{y + 3}" width="{w:.1f}" height="18" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{start + 5 + w:.1f}" y="{y + 17}" font-size="13">{n:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(head: tuple[str, ...], rows: list[tuple[object, ...]], figure: str) -> str:
    if not rows:
        return '<p class="none">None in this period.</p>'
    out = [f'<table data-figure="{figure}"><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",
Roboto,sans-serif;color:#111827;background:#f9fafb}main{max-width:960px;margin:0 auto;
padding:16px}h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.15rem;margin:1.4em 0 .5em}
.meta{color:#4b5563;margin:0 0 1em}.cards{display:grid;gap:10px;
grid-template-columns:repeat(auto-fit,minmax(140px,1fr))}.card{background:#fff;
border:1px solid #e5e7eb;border-radius:10px;padding:12px}.card .v{display:block;
font-size:1.6rem;font-weight:700}.card .l{color:#4b5563;font-size:.85rem}
section{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:12px 14px;
margin-top:14px}.chart{width:100%;max-width:720px;height:auto;display:block}table{width:100%;
border-collapse:collapse}th,td{text-align:left;padding:6px 4px;border-bottom:1px solid
#e5e7eb;overflow-wrap:anywhere}td:last-child,th:last-child{text-align:right}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;list-style:none;padding:0;margin:8px 0 0;
font-size:.85rem}.legend i{display:inline-block;width:.9em;height:.9em;border-radius:2px;
margin-right:5px;vertical-align:-.1em}.none,.note{color:#4b5563;font-size:.9rem}
"""


def render_html(report: Report) -> str:
    """One self-contained HTML file: inline CSS and SVG, no script, no network."""
    rows = report.rows
    cards = "".join(
        f'<div class="card"><span class="v" data-figure="{key}">{_e(value)}</span>'
        f'<span class="l">{_e(label)}</span></div>'
        for key, label, value in report.headline()
    )
    seen = {c for _d, c, _n in rows.by_day}
    legend = "".join(
        f'<li><i style="background:{colour}"></i>{_e(Category(cat).title)}</li>'
        for cat, colour in PALETTE.items() if cat in seen
    )
    totals: dict[str, int] = {}
    for _d, category, n in rows.by_day:
        totals[category] = totals.get(category, 0) + n
    by_category = [(Category(c).title, n) for c, n in
                   sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    actions = [("hidden", report.hidden), ("restored", report.restored),
               ("dismissed", report.dismissed), ("under review", report.review),
               ("could not hide", report.hide_failed)]
    action_bars = _bars_svg([(n, v, ACTION_COLOURS[n]) for n, v in actions], "actions")
    channels = [(f"#{name}", platform, n) for platform, _cid, name, n in rows.channels]
    roles = [(role.replace("_", " "), people, n) for role, people, n in rows.roles]
    people = ""
    if report.names:
        people = ("<h2>Protected people</h2>" + _table(
            ("person", "role", "incidents"),
            [(s, r.replace("_", " "), n) for s, r, n in rows.people], "people"))
    decided = (f"{rows.decided:,} of {rows.total:,} incidents have a moderator decision "
               "(confirm, dismiss or restore); the median is from the incident to the first "
               "of them.")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>doxguard moderation report {_e(report.period())}</title>
<style>{_CSS}</style></head>
<body><main>
<h1>doxguard moderation report</h1>
<p class="meta"><span data-figure="period">{_e(report.period())}</span> ·
<span data-figure="scope">{_e(report.scope)}</span> · generated
{_e(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(report.until)))}</p>
<div class="cards">{cards}</div>
<section><h2>Incidents {"per week" if report.weekly else "per day"}, by ordinance category</h2>
{_over_time_svg(report)}
<ul class="legend">{legend}</ul>
{_table(("category", "incidents"), by_category, "categories")}</section>
<section><h2>What happened to them</h2>{action_bars}
<p class="note">The dismiss rate is dismissed ÷ all incidents: how often moderators
judged the bot wrong. {_e(decided)}</p></section>
<section><h2>Top channels</h2>{_table(("channel", "platform", "incidents"), channels,
                                     "channels")}</section>
<section><h2>Protected people by role</h2>{_table(("role", "people", "incidents"), roles,
                                                  "roles")}{people}
<p class="note">Counts only: no message, excerpt or value is in this report; names
only with <code>--names</code>.</p></section>
</main></body></html>
"""
