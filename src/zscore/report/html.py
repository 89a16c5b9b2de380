"""The survey report as one self-contained HTML page: inline CSS and SVG, no script, no link
outside the page, every string from the data escaped (``html.escape``), a print style sheet.

:func:`render` lays out the figures of a :class:`~zscore.report.build.ReportData`; the league
tables' intervals and marks are :mod:`zscore.report.intervals`; docs/report.md explains every
section.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from ..histogram import SEXES, Z_COLUMNS
from . import intervals, plots
from .build import CROSS_SEPARATOR, PERIOD_NAME, ReportData, cross_name
from .labels import CONDITIONS_2006, CONDITIONS_2007, LEAGUE_2006, LEAGUE_2007, labels

#: Groups plotted per grouping and condition (the table lists up to MAX_ROWS).
MAX_PLOTTED = 60
MAX_ROWS = 300
#: Groups drawn as lines in an over-time plot by group, and listed in its table (the groups
#: with the most children first).
MAX_LINES = 8
MAX_PERIOD_ROWS = 100
#: The condition a target (--target) is for: Indonesia's national target (14 %) is a stunting
#: target; wasting, underweight and overweight have other targets, or none.
TARGET_CONDITION = "stunting"
#: WHO's crossed groupings, left out of "By group" (their parts are shown).
CROSSED = ("Age + sex", "Age + Sex")

_CSS = """
:root{--ink:#222;--muted:#666;--line:#ddd;--bg:#fafafa;--same:#8c8c8c;--higher:#D55E00;
--lower:#0072B2;--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:var(--ink);margin:0 auto;
max-width:1080px;padding:16px 24px;line-height:1.4;font-size:14px}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;border-bottom:2px solid var(--ink);
margin-top:32px;padding-bottom:2px}h3{font-size:16px;margin:20px 0 6px}
h4{font-size:14px;margin:14px 0 4px}
p.note,.muted{color:var(--muted);font-size:12.5px}
nav ol{columns:3;font-size:13px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.name,table.meta td{overflow-wrap:anywhere;min-width:6em}
table.meta th{width:13em}.scroll{overflow-x:auto}
table.checks{font-size:12px}table.checks td.muted{font-size:11px}
.figures{display:flex;flex-wrap:wrap;gap:10px 18px}
figure{margin:4px 0;break-inside:avoid;page-break-inside:avoid;display:table}
figure svg{max-width:100%;height:auto}.fig-title{font-weight:600;font-size:13px}
figcaption{font-size:12px;color:var(--muted);display:table-caption;caption-side:bottom}
.mark-same{color:var(--same)}.mark-higher{color:var(--higher);font-weight:600}
.mark-lower{color:var(--lower);font-weight:600}
.verdict-pass{color:var(--pass)}.verdict-warn{color:var(--warn);font-weight:600}
.verdict-fail{color:var(--fail);font-weight:700}.verdict-info,.verdict-n\\/a{color:var(--muted)}
.zero{font-size:11.5px;color:var(--muted)}
details{margin:6px 0}summary{cursor:pointer;color:var(--lower)}
footer{margin-top:36px;font-size:12px;color:var(--muted);border-top:1px solid var(--line)}
@media print{body{max-width:none;padding:0;font-size:11px}nav{display:none}
h2{break-before:page;page-break-before:always}h2#summary{break-before:auto;
page-break-before:auto}table,figure{break-inside:avoid;page-break-inside:avoid}
details::details-content{content-visibility:visible;display:block}
summary{list-style:none}a{color:inherit;text-decoration:none}}
@page{size:A4;margin:14mm}
"""


def _e(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def _pct(x: float, digits: int = 1) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def _num(x: float, digits: int = 2) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    return f"{x:,.{digits}f}"


def _int(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{round(x):,}"


@dataclass
class LeagueRow:
    """One group of a league table."""

    group: str
    n: float
    estimate: float
    low: float
    high: float
    mark: str
    target: str | None
    zero: bool


class _Table:
    """Lookups in the tidy prevalence table."""

    def __init__(self, prevalence: Any) -> None:
        self.t = prevalence
        keys = zip(*(prevalence[c].astype(str).tolist() for c in ("group_variable", "group",
                                                                   "indicator", "statistic")),
                   strict=True)
        values = zip(*(prevalence[c].to_numpy(dtype=float, na_value=np.nan).tolist()
                       for c in ("estimate", "ci_lower", "ci_upper")), strict=True)
        self._index: dict[tuple[str, str, str, str], tuple[float, float, float]] = dict(
            zip(keys, values, strict=True))
        self.groupings: list[str] = []
        self.groups: dict[str, list[str]] = {}
        pairs = prevalence[["group_variable", "group"]].astype(str).drop_duplicates()
        for gv, g in zip(pairs.group_variable.tolist(), pairs.group.tolist(), strict=True):
            if gv not in self.groups:
                self.groupings.append(gv)
                self.groups[gv] = []
            self.groups[gv].append(g)

    def get(self, gv: str, g: str, ind: str, st: str) -> tuple[float, float, float]:
        return self._index.get((gv, g, ind, st), (math.nan, math.nan, math.nan))

    def n(self, gv: str, g: str, ind: str) -> float:
        return self.get(gv, g, ind, "n (unweighted)")[0]


class _Page:
    def __init__(self, data: ReportData, target: float | None, lang: str,
                 title: str | None) -> None:
        self.d = data
        self.target = target
        self.L = labels(lang)
        self.lang = lang
        self.title = title or self.L["title"]
        self.t = _Table(data.prevalence)
        self.std = data.standard
        self.design_based = data.method != "simple"
        self.conditions = CONDITIONS_2006 if self.std == "2006" else CONDITIONS_2007
        league = LEAGUE_2006 if self.std == "2006" else LEAGUE_2007
        self.league = [c for c in self.conditions if c[0] in league]
        self.parts: list[str] = []
        self.decimal = "," if lang == "id" else "."

    # -- numbers: 1,234.5 in English, 1.234,5 in Indonesian ------------------------------------
    def local(self, text: str) -> str:
        if self.lang != "id":
            return text
        return text.translate(str.maketrans({",": ".", ".": ","}))

    def pct(self, x: float, digits: int = 1) -> str:
        return self.local(_pct(x, digits))

    def num(self, x: float, digits: int = 2) -> str:
        return self.local(_num(x, digits))

    def int(self, x: float) -> str:
        return self.local(_int(x))

    # -- helpers -------------------------------------------------------------------------------
    def w(self, text: str) -> None:
        self.parts.append(text)

    def cut(self, total: int) -> str:
        """The sentence under a table cut at MAX_ROWS rows."""
        if total <= MAX_ROWS:
            return ""
        text = self.L["first_rows"].format(shown=self.int(MAX_ROWS), total=self.int(total))
        return f'<p class="note">{_e(text)}</p>'

    def label(self, key: str) -> str:
        return self.L.get(key, key)

    def how(self) -> str:
        return self.L["how_design"] if self.design_based else self.L["how_register"]

    def interval(self, gv: str, g: str, ind: str, st: str) -> tuple[float, float, float, float,
                                                                      bool]:
        """estimate, low, high, n and whether the exact bound at zero was used."""
        est, lo, hi, n, zero = self.intervals(gv, [g], ind, st)
        return float(est[0]), float(lo[0]), float(hi[0]), float(n[0]), bool(zero[0])

    def intervals(self, gv: str, groups: Sequence[str], ind: str, st: str
                  ) -> tuple[np.ndarray, ...]:
        """The groups' estimates, interval ends, children and exact-bound-at-zero marks: the
        design's intervals (prevalence's) or, without a design, Wilson / exact from the
        counts."""
        cells = np.array([self.t.get(gv, g, ind, st) for g in groups], dtype=float).reshape(-1, 3)
        est, lo, hi = cells[:, 0], cells[:, 1], cells[:, 2]
        n = np.array([self.t.n(gv, g, ind) for g in groups], dtype=float)
        known = np.isfinite(est) & np.isfinite(n) & (n > 0)
        zero = known & (est == 0)
        if not self.design_based:
            x = np.where(known, np.round(est * np.where(known, n, 0) / 100.0), 0)
            wl, wh = intervals.register_interval(x, np.where(known, n, 0))
            lo, hi = np.where(known, wl, lo), np.where(known, wh, hi)
        else:  # the design's interval collapses at 0 (and 100): the exact bound on the children
            full = known & (est == 100)
            bound = intervals.exact_upper_at_zero(np.where(known, n, 1))
            lo = np.where(zero, 0.0, np.where(full, 100.0 - bound, lo))
            hi = np.where(zero, bound, np.where(full, 100.0, hi))
        return est, lo, hi, n, zero

    def target_of(self, key: str) -> float | None:
        """The target of one condition: ``--target`` is a stunting target (Indonesia's 14 %);
        wasting, underweight and overweight are not compared with it."""
        return self.target if key == TARGET_CONDITION else None

    def league_rows(self, gv: str, ind: str, st: str, target: float | None = None
                    ) -> tuple[list[LeagueRow], float]:
        overall = self.t.get("All", "All", ind, st)[0]
        groups = self.t.groups.get(gv, [])
        rows = []
        for g, est, lo, hi, n, zero in zip(groups, *self.intervals(gv, groups, ind, st),
                                           strict=True):
            if not math.isfinite(n) or n <= 0:
                continue
            mark = intervals.versus_overall(lo, hi, overall)
            tmark = intervals.versus_target(lo, hi, target) if target is not None else None
            rows.append(LeagueRow(g, float(n), float(est), float(lo), float(hi), mark, tmark,
                                  bool(zero)))
        rows.sort(key=lambda r: (-(r.estimate if math.isfinite(r.estimate) else -1), -r.n,
                                 r.group))
        return rows, overall

    def group_label(self, gv: str, g: str) -> str:
        if gv == "Sex":  # WHO's groups; data (a village called "Male") are shown as they are
            return self.label(g)
        return g

    # -- the page ------------------------------------------------------------------------------
    def render(self) -> str:
        from .. import __version__

        L = self.L
        sections = [("summary", L["summary"]), ("distributions", L["distributions"]),
                    ("by-group", L["by_group"]), ("over-time", L["over_time"]),
                    ("quality", L["quality"]), ("methods", L["methods"])]
        if self.d.notes:
            sections.insert(-1, ("notes", L["notes"]))
        self.w("<!DOCTYPE html>")
        self.w(f'<html lang="{_e(L["lang"])}"><head><meta charset="utf-8">')
        self.w('<meta name="viewport" content="width=device-width, initial-scale=1">')
        self.w(f"<title>{_e(self.title)}</title><style>{_CSS}</style></head><body>")
        self.w(f"<header><h1>{_e(self.title)}</h1>")
        today = _dt.datetime.now(_dt.UTC).date().isoformat()
        source = f"{_e(self.d.source)} · " if self.d.source else ""
        self.w(f'<p class="muted">{source}{_e(L["generated"].format(version=__version__))}'
               f" · {today}</p></header>")
        self.w(f'<nav><h4>{_e(L["contents"])}</h4><ol>'
               + "".join(f'<li><a href="#{k}">{_e(v)}</a></li>' for k, v in sections)
               + "</ol></nav>")
        self.summary()
        self.distributions()
        self.by_group()
        self.over_time()
        self.quality()
        if self.d.notes:
            self.w(f'<section><h2 id="notes">{_e(L["notes"])}</h2><ul>'
                   + "".join(f"<li>{_e(n)}</li>" for n in self.d.notes) + "</ul></section>")
        self.w(f'<section><h2 id="methods">{_e(L["methods"])}</h2>'
               f'<p>{_e(L["methods_text"])}</p></section>')
        self.w(f"<footer><p>{_e(L['generated'].format(version=__version__))}: "
               "WHO growth z-scores, prevalence and data-quality checks.</p></footer>")
        self.w("</body></html>")
        return "\n".join(self.parts)

    # -- summary -------------------------------------------------------------------------------
    def summary(self) -> None:
        L, d, h = self.L, self.d, self.d.histograms
        s = 0 if self.std == "2006" else 1
        self.w(f'<section><h2 id="summary">{_e(L["summary"])}</h2>')
        rows = []
        if d.source:
            rows.append((L["source"], _e(d.source)))
        rows.append((L["standard"], _e(L[f"standard_{self.std}"])))
        rows.append((L["method"], _e(L[f"method_{d.method}"])))
        design = ", ".join(f"{k} = {v}" for k, v in d.design.items() if v)
        if design:
            rows.append((L["design"], _e(design)))
        if d.columns:
            rows.append((L["columns"], "<br>".join(_e(c) for c in d.columns)))
        from .. import __version__

        rows.append((L["software"], _e(f"zscore {__version__}")))
        children = int(h.children[s])
        records = [f"{self.int(children)} {_e(L['children'])}"]
        if h.blank:
            records.append(f"{self.int(h.blank)} {_e(L['blank'])}")
        if h.children[1 - s]:
            records.append(f"{self.int(h.children[1 - s])} {_e(L['other_standard'])}")
        rows.append((L["records"], "<br>".join(records)))
        self.w('<table class="meta">' + "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>"
                                                for k, v in rows) + "</table>")
        # headline prevalence
        self.w(f'<table class="headline" id="headline"><thead><tr><th>{_e(L["condition"])}</th>'
               f'<th class="num">{_e(L["prevalence"])} %</th><th class="num">{_e(L["ci"])}'
               f'</th><th class="num">{_e(L["n"])}</th></tr></thead><tbody>')
        for key, ind, st in self.conditions:
            est, lo, hi = self.t.get("All", "All", ind, st)
            n = self.t.n("All", "All", ind)
            self.w(f'<tr data-condition="{_e(key)}"><td>{_e(L[key])}</td>'
                   f'<td class="num">{self.pct(est)}</td>'
                   f'<td class="num">{self.pct(lo)} – {self.pct(hi)}</td>'
                   f'<td class="num">{self.int(n)}</td></tr>')
        self.w("</tbody></table>")
        self.in_short()
        # analysed and excluded
        self.w(f'<h3>{_e(L["analysed"])}</h3><table id="analysed"><thead><tr>'
               f'<th>{_e(L["indicator"])}</th><th class="num">{_e(L["rows"])}</th>'
               f'<th class="num">{_e(L["with_z"])}</th><th class="num">{_e(L["flagged"])}</th>'
               f'<th class="num">{_e(L["used"])}</th><th>{_e(L["missing_reasons"])}</th>'
               "</tr></thead><tbody>")
        for column, ind in self.indicators():
            j = Z_COLUMNS.index(column)
            reasons = h.reason_counts(s, column)
            text = "; ".join(f"{_e(k)}: {self.int(v)}" for k, v in reasons.items()) or \
                _e(L["no_missing"])
            self.w(f'<tr><td>{_e(self.indicator_label(column))}</td>'
                   f'<td class="num">{self.int(h.rows[s, j])}</td>'
                   f'<td class="num">{self.int(h.scored[s, j])}</td>'
                   f'<td class="num">{self.int(h.flagged[s, j])}</td>'
                   f'<td class="num">{self.int(self.t.n("All", "All", ind))}</td>'
                   f"<td>{text}</td></tr>")
        self.w("</tbody></table></section>")

    def in_short(self) -> None:
        """One sentence per --by grouping: how many groups are higher, lower or not
        distinguishable for the first condition (stunting), and against the target."""
        L = self.L
        key, ind, st = self.league[0]
        lines = []
        for gv in self.d.by:
            gv = next((g for g in self.t.groupings if g == gv or g == _who_label(gv)), None)
            if gv is None:
                continue
            rows, _ = self.league_rows(gv, ind, st, self.target_of(key))
            if not rows:
                continue
            marks = {m: sum(r.mark == m for r in rows) for m in ("higher", "lower", "same")}
            text = L["in_short"].format(condition=L[key], total=self.int(len(rows)),
                                        group=gv, higher=self.int(marks["higher"]),
                                        lower=self.int(marks["lower"]),
                                        same=self.int(marks["same"]))
            if self.target_of(key) is not None:
                t = {m: sum(r.target == m for r in rows) for m in ("above", "below",
                                                                     "cannot_tell")}
                text += " " + L["in_short_target"].format(
                    target=self.local(f"{self.target:g}"), above=self.int(t["above"]),
                    below=self.int(t["below"]), cannot=self.int(t["cannot_tell"]))
            lines.append(f"<li>{_e(text)}</li>")
        if lines:
            self.w(f'<ul class="in-short">{"".join(lines)}</ul>')

    def indicators(self) -> list[tuple[str, str]]:
        """(z column, prevalence indicator) of the standard's indicators with z-scores."""
        pairs = [("zlen", "HA"), ("zwei", "WA"), ("zwfl", "WH"), ("zbmi", "BMI")]
        s = 0 if self.std == "2006" else 1
        h = self.d.histograms
        return [(c, i) for c, i in pairs
                if (self.std == "2006" or c != "zwfl") and h.rows[s, Z_COLUMNS.index(c)] > 0]

    def indicator_label(self, column: str) -> str:
        return self.label(column if self.std == "2006" else f"{column}_2007")

    # -- distributions -------------------------------------------------------------------------
    def distributions(self) -> None:
        L, h = self.L, self.d.histograms
        s = 0 if self.std == "2006" else 1
        self.w(f'<section><h2 id="distributions">{_e(L["distributions"])}</h2>'
               f'<p class="note">{_e(L["density_note"])}</p><div class="figures">')
        colours = {"all": plots.BLACK, "male": plots.BLUE, "female": plots.ORANGE}
        names = {"all": L["all"], "male": L["boys"], "female": L["girls"]}
        for column, ind in self.indicators():
            j = Z_COLUMNS.index(column)
            factor = _bins_merged(int(h.counts[s, j, 0].sum()))
            edges = h.edges[::factor]
            series = [(names[sex], _merge_bins(h.counts[s, j, k], factor), colours[sex])
                      for k, sex in enumerate(SEXES)]
            title = self.indicator_label(column)
            svg = plots.density(edges, series, title, L["who_standard"], L["z"],
                                decimal=self.decimal)
            mean = self.t.get("All", "All", ind, "mean z")[0]
            sd = self.t.get("All", "All", ind, "SD z")[0]
            caption = L["mean_sd"].format(mean=self.num(mean), sd=self.num(sd),
                                          n=self.int(self.t.n("All", "All", ind)))
            self.w(f'<figure class="plot density" data-indicator="{_e(column)}">'
                   f'<div class="fig-title">{_e(title)}</div>{svg}'
                   f"<figcaption>{_e(caption)}</figcaption></figure>")
        self.w("</div></section>")

    # -- by group ------------------------------------------------------------------------------
    def groupings(self) -> list[str]:
        period = {PERIOD_NAME, *(cross_name(b) for b in self.d.by)}
        return [g for g in self.t.groupings
                if g != "All" and g not in CROSSED and g not in period]

    def by_group(self) -> None:
        L = self.L
        self.w(f'<section><h2 id="by-group">{_e(L["by_group"])}</h2>'
               f'<p class="note">{_e(L["league_note"].format(how=self.how()))}</p>')
        if self.target is not None:
            text = L["target_note"].format(target=self.local(f"{self.target:g}"),
                                           condition=L[TARGET_CONDITION])
            self.w(f'<p class="note">{_e(text)}</p>')
        for gv in self.groupings():
            self.w(f'<h3 class="grouping">{_e(self.label(gv))}</h3>')
            for key, ind, st in self.league:
                rows, overall = self.league_rows(gv, ind, st, self.target_of(key))
                if not rows:
                    continue
                self.league_block(gv, key, rows, overall)
        self.w("</section>")

    def league_block(self, gv: str, key: str, rows: list[LeagueRow], overall: float) -> None:
        L = self.L
        title = f"{L[key]} · {self.label(gv)}"
        shown = rows[:MAX_PLOTTED]
        target = self.target_of(key)
        target_label = (L["target_line"].format(target=self.local(f"{target:g}"))
                        if target is not None else None)
        svg = plots.league([self.group_label(gv, r.group) for r in shown],
                           np.array([r.estimate for r in shown]),
                           np.array([r.low for r in shown]), np.array([r.high for r in shown]),
                           [r.mark for r in shown], overall, title, target,
                           f"{L['overall']} {self.pct(overall)} %", target_label,
                           decimal=self.decimal)
        self.w(f'<h4>{_e(L[key])}</h4><figure class="plot league" data-grouping="{_e(gv)}" '
               f'data-condition="{_e(key)}">{svg}')
        if len(rows) > MAX_PLOTTED:
            text = L["shown_first"].format(shown=MAX_PLOTTED, total=self.int(len(rows)))
            self.w(f"<figcaption>{_e(text)}</figcaption>")
        self.w("</figure>")
        head = (f'<table class="league" data-grouping="{_e(gv)}" data-condition="{_e(key)}">'
                f'<thead><tr><th class="num">{_e(L["rank"])}</th><th>{_e(self.label(gv))}</th>'
                f'<th class="num">{_e(L["prevalence"])} %</th><th class="num">{_e(L["ci"])}</th>'
                f'<th class="num">{_e(L["n"])}</th><th>{_e(L["vs_overall"])}</th>'
                + (f'<th>{_e(L["vs_target"])}</th>' if target is not None else "")
                + "</tr></thead><tbody>")
        body = []
        for rank, r in enumerate(rows[:MAX_ROWS], start=1):
            zero = ""
            if r.zero:
                text = L["zero_of"].format(n=self.int(r.n), upper=self.pct(r.high) + " %")
                zero = f'<div class="zero">{_e(text)}</div>'

            target = (f'<td class="target-{_e(r.target)}">{_e(L[r.target])}</td>'
                      if r.target is not None else "")
            body.append(f'<tr data-group="{_e(r.group)}"><td class="num">{rank}</td>'
                        f'<td class="name">{_e(self.group_label(gv, r.group))}{zero}</td>'
                        f'<td class="num">{self.pct(r.estimate)}</td>'
                        f'<td class="num">{self.pct(r.low)} – {self.pct(r.high)}</td>'
                        f'<td class="num">{self.int(r.n)}</td>'
                        f'<td class="mark-{_e(r.mark)}">{_e(L[r.mark])}</td>{target}</tr>')
        table = head + "".join(body) + "</tbody></table>" + self.cut(len(rows))
        if len(rows) > 12:
            self.w(f"<details><summary>{_e(L['group'])}: {self.int(len(rows))}</summary>{table}"
                   "</details>")
        else:
            self.w(table)

    # -- over time -----------------------------------------------------------------------------
    def over_time(self) -> None:
        L = self.L
        self.w(f'<section><h2 id="over-time">{_e(L["over_time"])}</h2>')
        if self.d.period is None:
            self.w(f'<p class="note">{_e(L["no_period"])}</p></section>')
            return
        periods = sorted(self.t.groups.get(PERIOD_NAME, []), key=_period_key)
        periods = [p for p in periods if p not in ("NA", "")]
        self.w(f'<p class="note">{_e(L["period_note"].format(how=self.how()))}</p>')
        for key, ind, st in self.league:
            target = self.target_of(key)
            target_label = (L["target_line"].format(target=self.local(f"{target:g}"))
                            if target is not None else None)
            values = list(zip(*self.intervals(PERIOD_NAME, periods, ind, st), strict=True))
            if not any(math.isfinite(v[3]) and v[3] > 0 for v in values):
                continue
            est = np.array([v[0] for v in values])
            lo = np.array([v[1] for v in values])
            hi = np.array([v[2] for v in values])
            svg = plots.over_time(periods, [(L["all"], est, lo, hi)], L[key], target,
                                  target_label, decimal=self.decimal)
            self.w(f'<h3>{_e(L[key])}</h3><figure class="plot period" '
                   f'data-condition="{_e(key)}">{svg}</figure>')
            self.w(f'<table class="period" data-condition="{_e(key)}"><thead><tr>'
                   f'<th>{_e(L["period"])}</th><th class="num">{_e(L["prevalence"])} %</th>'
                   f'<th class="num">{_e(L["ci"])}</th><th class="num">{_e(L["n"])}</th>'
                   "</tr></thead><tbody>"
                   + "".join(f'<tr data-period="{_e(p)}"><td>{_e(p)}</td>'
                             f'<td class="num">{self.pct(v[0])}</td>'
                             f'<td class="num">{self.pct(v[1])} – {self.pct(v[2])}</td>'
                             f'<td class="num">{self.int(v[3])}</td></tr>'
                             for p, v in zip(periods, values, strict=True))
                   + "</tbody></table>")
            for b in self.d.by:
                self.period_by(b, key, ind, st, periods, target_label)
        self.w("</section>")

    def period_by(self, by: str, key: str, ind: str, st: str, periods: list[str],
                  target_label: str | None) -> None:
        L = self.L
        gv = cross_name(by)
        cells: dict[str, dict[str, tuple]] = {}
        labels = self.t.groups.get(gv, [])
        for label, *v in zip(labels, *self.intervals(gv, labels, ind, st), strict=True):
            period, cross, group = label.partition(CROSS_SEPARATOR)
            if not cross:  # prevalence's "NA": the children without a period or a group
                continue
            cells.setdefault(group, {})[period] = tuple(float(x) for x in v)
        if not cells:
            return
        groups = sorted(cells, key=lambda g: (-sum(v[3] for v in cells[g].values()
                                                   if math.isfinite(v[3])), g))
        title = L["period_by"].format(condition=L[key], group=by)
        nan4 = (math.nan,) * 4
        lines = []
        for g in groups[:MAX_LINES]:
            v = [cells[g].get(p, nan4) for p in periods]
            lines.append((g, np.array([x[0] for x in v]), np.array([x[1] for x in v]),
                          np.array([x[2] for x in v])))
        svg = plots.over_time(periods, lines, title, self.target_of(key), target_label,
                              decimal=self.decimal)
        self.w(f'<h4>{_e(title)}</h4><figure class="plot period-by" data-grouping="{_e(by)}" '
               f'data-condition="{_e(key)}">{svg}</figure>')
        head = (f'<table class="period-by" data-grouping="{_e(by)}" data-condition="{_e(key)}">'
                f"<thead><tr><th>{_e(by)}</th>"
                + "".join(f'<th class="num">{_e(p)}</th>' for p in periods)
                + "</tr></thead><tbody>")
        body = []
        for g in groups[:MAX_PERIOD_ROWS]:
            tds = []
            for p in periods:
                v = cells[g].get(p)
                if v is None or not math.isfinite(v[3]) or v[3] <= 0:
                    tds.append('<td class="num">-</td>')
                else:
                    tds.append(f'<td class="num" data-period="{_e(p)}">{self.pct(v[0])}<br>'
                               f'<span class="muted">{self.pct(v[1])}–{self.pct(v[2])}, '
                               f"n {self.int(v[3])}</span></td>")
            body.append(f'<tr data-group="{_e(g)}"><td class="name">{_e(g)}</td>'
                        f'{"".join(tds)}</tr>')
        table = head + "".join(body) + "</tbody></table>"
        more = ""
        if len(groups) > MAX_PERIOD_ROWS:
            text = L["most_children"].format(shown=MAX_PERIOD_ROWS, total=self.int(len(groups)))
            more = f'<p class="note">{_e(text)}</p>'

        self.w(f"<details><summary>{_e(title)}</summary>{more}{table}</details>")

    # -- quality -------------------------------------------------------------------------------
    def quality(self) -> None:
        L = self.L
        q = self.d.quality
        self.w(f'<section><h2 id="quality">{_e(L["quality"])}</h2>'
               f'<p class="note">{_e(L["quality_note"])}</p>')
        overall = q[(q.group_by == "all") & ~_detail(q.statistic)]
        cols = ("check", "variable", "statistic", "n", "value", "expected", "reference",
                "p_value", "verdict", "source", "note")
        self.w('<table class="checks" id="checks"><thead><tr>'
               + "".join(f'<th{" class=num" if c in ("n", "value", "p_value") else ""}>'
                         f'{_e(L[_HEADS.get(c, c)])}</th>'
                         for c in cols) + "</tr></thead><tbody>")
        for row in overall.itertuples(index=False):
            r = row._asdict()
            self.w(f'<tr data-check="{_e(r["check"])}" data-variable="{_e(r["variable"])}">'
                   f'<td>{_e(r["check"])}</td><td>{_e(r["variable"])}</td>'
                   f'<td>{_e(r["statistic"])}</td><td class="num">{self.int(_f(r["n"]))}</td>'
                   f'<td class="num">{self.num(_f(r["value"]), 3)}</td>'
                   f'<td class="num">{_e(_expected(r))}</td>'
                   f'<td>{_e(_text(r["reference"]))}</td>'
                   f'<td class="num">{self.num(_f(r["p_value"]), 3)}</td>'
                   f'<td class="verdict-{_e(r["verdict"])}">{_e(r["verdict"])}</td>'
                   f'<td class="muted">{_e(_text(r["source"]))}</td>'
                   f'<td>{_e(_text(r["note"]))}</td></tr>')
        self.w("</tbody></table>")
        self.w('<div class="figures">')
        for name in ("weight", "lenhei"):
            share = _series(overall_all(q), "digit_preference", name, "% with decimal digit ",
                            range(10))
            if share is None:
                continue
            svg = plots.bars([str(k) for k in range(10)], share,
                             L["digits"].format(what=L[name]), L["share"], 10.0,
                             L["expected"], highlight=(0, 5), decimal=self.decimal)
            self.w(f'<figure class="plot digits" data-variable="{_e(name)}">{svg}'
                   f'<figcaption>{_e(L["digits_note"])}</figcaption></figure>')
        months = [int(s.split()[2]) for s in overall_all(q).statistic
                  if s.startswith("% aged ") and s.endswith("completed months")]
        if months:
            share = _series(overall_all(q), "age_heaping", "age", "% aged ", months,
                            " completed months")
            if share is not None:
                heaps = [i for i, m in enumerate(months) if m > 0 and m % 6 == 0]
                svg = plots.bars([str(m) for m in months], share, L["heaping"], L["share"],
                                 highlight=heaps, width=5.6, decimal=self.decimal)
                self.w(f'<figure class="plot heaping">{svg}'
                       f'<figcaption>{_e(L["heaping_note"])}</figcaption></figure>')
        ages = overall_all(q)
        ages = ages[(ages.check == "age_groups") & ages.statistic.str.startswith("% aged ")]
        if len(ages):
            svg = plots.bars([s.removeprefix("% aged ") for s in ages.statistic],
                             ages.value.to_numpy(dtype=float), L["age_groups"], L["share"],
                             ages.expected.to_numpy(dtype=float), L["expected"],
                             rotate=len(ages) > 8, decimal=self.decimal)
            self.w(f'<figure class="plot age-groups">{svg}'
                   f'<figcaption>{_e(L["age_groups_note"])}</figcaption></figure>')
        self.w("</div>")
        for by in q.group_by.drop_duplicates().tolist():
            if by != "all":
                self.quality_by(q[q.group_by == by], by)
        flagged = q[(q.group_by != "all") & q.verdict.isin(["warn", "fail"])
                    & ~_detail(q.statistic)]
        self.w(f"<h3>{_e(L['groups_quality'])}</h3>")
        if not len(flagged):
            self.w(f'<p class="note">{_e(L["no_group_warnings"])}</p>')
        else:
            cols2 = ("group_by", "group", "check", "variable", "statistic", "n", "value",
                     "verdict")
            names = {**{c: L.get(c, c) for c in cols2}, "group_by": "", "group": L["group"]}
            head = ('<table class="group-checks"><thead><tr>'
                    + "".join(f"<th>{_e(names[c])}</th>" for c in cols2)
                    + "</tr></thead><tbody>")
            body = "".join(
                f'<tr><td>{_e(r.group_by)}</td><td class="name">{_e(r.group)}</td>'
                f'<td>{_e(r.check)}</td>'
                f'<td>{_e(r.variable)}</td><td>{_e(r.statistic)}</td>'
                f'<td class="num">{self.int(_f(r.n))}</td>'
                f'<td class="num">{self.num(_f(r.value), 3)}</td>'
                f'<td class="verdict-{_e(r.verdict)}">{_e(r.verdict)}</td></tr>'
                for r in flagged.head(MAX_ROWS).itertuples(index=False))
            self.w(f"<details open><summary>{self.int(len(flagged))}</summary>{head}{body}"
                   "</tbody></table></details>")
        self.w("</section>")


    def quality_by(self, q: Any, by: str) -> None:
        """The main checks of each group of one grouping: one row per group, one column per
        check, each cell the value coloured by its verdict."""
        L = self.L
        columns = [c for c in QUALITY_COLUMNS
                   if ((q.check == c[0]) & (q.variable == c[1]) & (q.statistic == c[2])).any()]
        if not columns:
            return
        cells: dict[str, dict[int, tuple[float, str]]] = {}
        for j, (check, variable, statistic, _) in enumerate(columns):
            rows = q[(q.check == check) & (q.variable == variable) & (q.statistic == statistic)]
            for g, value, verdict in zip(rows.group.astype(str).tolist(),
                                         rows.value.tolist(), rows.verdict.tolist(),
                                         strict=True):
                cells.setdefault(g, {})[j] = (_f(value), str(verdict))
        groups = list(cells)
        bad = {g: sum(v[1] == "fail" for v in cells[g].values()) * 100
               + sum(v[1] == "warn" for v in cells[g].values()) for g in groups}
        groups.sort(key=lambda g: -bad[g])  # the groups that need a look first
        head = (f'<table class="quality-by" data-grouping="{_e(by)}"><thead><tr>'
                f"<th>{_e(by)}</th>"
                + "".join(f'<th class="num">{_e(c[3])}</th>' for c in columns)
                + "</tr></thead><tbody>")
        body = []
        for g in groups[:MAX_ROWS]:
            tds = []
            for j in range(len(columns)):
                value, verdict = cells[g].get(j, (math.nan, "n/a"))
                tds.append(f'<td class="num verdict-{_e(verdict)}" title="{_e(verdict)}">'
                           f"{self.num(value, 2)}</td>")
            body.append(f'<tr data-group="{_e(g)}"><td class="name">{_e(g)}</td>'
                        f'{"".join(tds)}</tr>')
        title = L["quality_by"].format(group=by)
        table = head + "".join(body) + "</tbody></table>"
        self.w(f"<h3>{_e(title)}</h3><p class=\"note\">{_e(L['quality_by_note'])}</p>")
        table = f'<div class="scroll">{table}</div>{self.cut(len(groups))}'
        if len(groups) > 12:
            self.w(f"<details><summary>{_e(L['group'])}: {self.int(len(groups))}</summary>"
                   f"{table}</details>")
        else:
            self.w(table)


#: The checks of the quality-by-group table: (check, variable, statistic, column heading).
QUALITY_COLUMNS = (
    ("flagged", "zlen", "% of z-scores flagged (WHO flags)", "flagged HAZ %"),
    ("flagged", "zwfl", "% of z-scores flagged (WHO flags)", "flagged WHZ %"),
    ("sd", "zlen", "SD of z (flagged excluded)", "SD HAZ"),
    ("sd", "zwfl", "SD of z (flagged excluded)", "SD WHZ"),
    ("sd", "zbmi", "SD of z (flagged excluded)", "SD BAZ"),
    ("digit_preference", "weight", "digit preference score (decimal digit)", "DPS weight"),
    ("digit_preference", "lenhei", "digit preference score (decimal digit)", "DPS length"),
    ("age_heaping", "age", "heaping index, whole years", "heaping, years"),
    ("sex_ratio", "sex", "boys per girl", "boys / girl"),
    ("age_ratio", "age", "ratio 6-29 / 30-59 months", "age ratio"),
)


def _bins_merged(n: int) -> int:
    """Bins of 0.1 SD merged for drawing: 0.5 SD under 2,000 children, 0.2 SD under 20,000,
    else 0.1 SD (fewer children per bin would draw noise)."""
    return 5 if n < 2_000 else 2 if n < 20_000 else 1


def _merge_bins(counts: np.ndarray, factor: int) -> np.ndarray:
    return counts.reshape(-1, factor).sum(axis=1)


def _who_label(name: str) -> str:
    from ..prevalence import WHO_GROUPINGS

    return WHO_GROUPINGS.get(name, name)


def overall_all(q: Any) -> Any:
    return q[q.group_by == "all"]


def _detail(statistic: Any) -> Any:
    """The rows of quality(details=True) that only the histograms show."""
    s = statistic.astype(str)
    return (s.str.match(r"^% with decimal digit \d$") | s.str.endswith("completed months")
            | s.str.match(r"^% born in "))


def _series(q: Any, check: str, variable: str, prefix: str, keys: Sequence[int],
            suffix: str = "") -> np.ndarray | None:
    rows = q[(q.check == check) & (q.variable == variable)]
    lookup = dict(zip(rows.statistic.tolist(), rows.value.tolist(), strict=True))
    values = [lookup.get(f"{prefix}{k}{suffix}") for k in keys]
    if any(v is None for v in values):
        return None
    out = np.array(values, dtype=float)
    return None if not np.isfinite(out).any() else np.nan_to_num(out)


_HEADS = {"source": "source_col", "expected": "expected_col", "n": "n_values"}


def _expected(r: dict[str, Any]) -> str:
    """The expected value and the range that passes: "3 (2 to 4)", "(to 1.95)", "100"."""
    expected, low, high = (_f(r[k]) for k in ("expected", "low", "high"))
    parts = [f"{expected:g}"] if math.isfinite(expected) else []
    if math.isfinite(low) or math.isfinite(high):
        lo = f"{low:g}" if math.isfinite(low) else ""
        hi = f"{high:g}" if math.isfinite(high) else ""
        parts.append(f"({lo} to {hi})".replace("( to ", "(up to ").replace(" to )", " or more)"))
    return " ".join(parts) or "-"


def _f(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _text(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return str(x)


def _period_key(label: str) -> tuple:
    return (0, label) if label[:4].isdigit() else (1, label)


def render(data: ReportData, *, target: float | None = None, lang: str = "en",
           title: str | None = None) -> str:
    """The report page of ``data`` (see :func:`zscore.report`); InputError when no child
    could be scored."""
    from .build import refuse_if_nothing_scored

    refuse_if_nothing_scored(data)
    return _Page(data, target, lang, title).render()
