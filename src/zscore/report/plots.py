"""The report's plots: matplotlib figures rendered to inline SVG.

Deterministic and small: matplotlib's Agg-free SVG backend, a fixed ``svg.hashsalt`` (so the
ids of clip paths are the same on every run), text as ``<text>`` elements
(``svg.fonttype = "none"``: no glyph paths, and text that can be selected and read by screen
readers) and no metadata (no date, no RDF block with its URLs). The XML declaration and the
DOCTYPE are dropped when the SVG is inlined; the only URIs left are the SVG and XLink
namespaces. Text that comes from the data (group names) is escaped by matplotlib's SVG writer.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Colours (Okabe-Ito, readable by colour-blind readers and in grey print).
BLUE, ORANGE, GREEN, RED, GREY, BLACK = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#8c8c8c", \
    "#222222"
MARK_COLOURS = {"same": GREY, "higher": RED, "lower": BLUE, "unknown": GREY}

_STYLE = {
    "svg.hashsalt": "zscore-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 9.0,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.0,
    "legend.fontsize": 7.0,
    "legend.frameon": False,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "lines.linewidth": 1.4,
    "path.simplify": True,
}


def _figure(width: float, height: float) -> Any:
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        from matplotlib.figure import Figure

        return Figure(figsize=(width, height), dpi=72)


_HEAD = re.compile(r"^.*?(<svg\b)", re.S)


def to_svg(fig: Any, label: str) -> str:
    """The figure as an inline ``<svg>`` element with an accessible label."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    with matplotlib.rc_context(_STYLE):
        FigureCanvasSVG(fig)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None,
                                                    "Format": None, "Type": None})
    text = _HEAD.sub(r"\1", buffer.getvalue(), count=1)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = _own_ids(text)
    from html import escape

    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1).strip()


_REF = re.compile(r'(href="#|url\(#)([^")]+)')
_ID = re.compile(r'\sid="([^"]+)"')


def _own_ids(text: str) -> str:
    """The SVG with ids unique on the page: matplotlib names the parts of every figure alike
    (figure_1, patch_1, ...) and its clip paths and markers by their content. Ids nothing
    refers to are dropped; the others get a prefix of this SVG's own (a hash of its text, so
    the same figure gives the same SVG)."""
    import hashlib

    referenced = {m.group(2) for m in _REF.finditer(text)}
    prefix = "z" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8] + "-"
    text = _ID.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in referenced else "",
                   text)
    return _REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", text)


def _normal_pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def density(edges: np.ndarray, series: Sequence[tuple[str, np.ndarray, str]], title: str,
            standard_label: str, xlabel: str, decimal: str = ".") -> str:
    """The binned z-scores of each series (name, counts, colour) as a density against the
    standard normal curve."""
    with _style():
        fig = _figure(4.0, 2.5)
        ax = fig.add_subplot()
        width = float(edges[1] - edges[0])
        centres = (edges[:-1] + edges[1:]) / 2
        shown = (centres > -5.05) & (centres < 5.05)
        for name, counts, colour in series:
            total = counts.sum()
            if total <= 0:
                continue
            dens = counts / (total * width)
            ax.step(centres[shown], dens[shown], where="mid", color=colour, label=name,
                    linewidth=1.1 if name != series[0][0] else 1.6)
        x = np.linspace(-5, 5, 201)
        ax.plot(x, _normal_pdf(x), color=BLACK, linestyle="--", linewidth=1.0,
                label=standard_label)
        ax.axvline(-2, color=GREY, linewidth=0.6, linestyle=":")
        ax.axvline(2, color=GREY, linewidth=0.6, linestyle=":")
        ax.set_xlim(-5, 5)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(xlabel)  # the title is the figure's heading on the page; it labels the SVG
        ax.legend(loc="upper right")
        _decimal(ax, decimal, "xy")
        fig.subplots_adjust(left=0.11, right=0.98, bottom=0.17, top=0.97)
        return to_svg(fig, title)


def league(names: Sequence[str], estimate: np.ndarray, low: np.ndarray, high: np.ndarray,
           marks: Sequence[str], overall: float, title: str, target: float | None,
           overall_label: str, target_label: str | None, decimal: str = ".") -> str:
    """Dot-and-interval plot, first name at the top."""
    k = len(names)
    with _style():
        fig = _figure(5.6, 0.9 + 0.19 * max(k, 2))
        ax = fig.add_subplot()
        y = np.arange(k)[::-1]
        colours = [MARK_COLOURS.get(m, GREY) for m in marks]
        ok = np.isfinite(low) & np.isfinite(high)
        ax.hlines(y[ok], low[ok], high[ok], colors=[c for c, o in zip(colours, ok, strict=True)
                                                    if o], linewidth=1.6)
        ax.scatter(estimate, y, color=colours, s=14, zorder=3)
        if np.isfinite(overall):
            ax.axvline(overall, color=BLACK, linewidth=0.9, label=overall_label)
        if target is not None:
            ax.axvline(target, color=GREEN, linewidth=1.2, linestyle=":", label=target_label)
        ax.set_yticks(y, [_short(n) for n in names])
        ax.set_ylim(-0.7, k - 0.3)
        top = np.nanmax(np.concatenate([high[np.isfinite(high)], estimate[np.isfinite(estimate)],
                                        [overall if np.isfinite(overall) else 0,
                                         target or 0, 1.0]]))
        ax.set_xlim(0, min(100.0, top * 1.08 + 0.5))
        ax.set_xlabel("%")  # the title is the page's heading above; it labels the SVG
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, borderaxespad=0.2)
        _decimal(ax, decimal, "x")
        height = 0.9 + 0.19 * max(k, 2)
        longest = max((len(_short(n)) for n in names), default=4)
        fig.subplots_adjust(left=min(0.5, (0.2 + 0.052 * longest) / 5.6), right=0.98,
                            bottom=0.45 / height, top=1 - 0.3 / height)
        return to_svg(fig, title)


def bars(labels: Sequence[str], values: np.ndarray, title: str, ylabel: str,
         expected: np.ndarray | float | None = None, expected_label: str = "",
         highlight: Sequence[int] = (), width: float = 4.0, rotate: bool = False,
         decimal: str = ".") -> str:
    """Bars of shares (percent), with the expected shares as a line or marks."""
    with _style():
        fig = _figure(width, 2.4)
        ax = fig.add_subplot()
        x = np.arange(len(labels))
        colours = [ORANGE if i in set(highlight) else BLUE for i in range(len(labels))]
        ax.bar(x, values, color=colours, width=0.8)
        if expected is not None:
            exp = np.broadcast_to(np.asarray(expected, dtype=float), x.shape)
            ax.plot(x, exp, color=BLACK, linestyle="--", linewidth=1.0, marker="_"
                    if len(labels) < 15 else None, label=expected_label)
            ax.legend(loc="upper right")
        step = max(1, len(labels) // 20)
        ax.set_xticks(x[::step], [labels[i] for i in range(0, len(labels), step)],
                      rotation=45 if rotate else 0, ha="right" if rotate else "center")
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left")
        ax.set_ylim(bottom=0)
        _decimal(ax, decimal, "y")
        fig.subplots_adjust(left=0.45 / width, right=0.98, bottom=0.3 if rotate else 0.16,
                            top=0.9)
        return to_svg(fig, title)


def over_time(periods: Sequence[str], lines: Sequence[tuple[str, np.ndarray, np.ndarray,
                                                            np.ndarray]],
              title: str, target: float | None, target_label: str | None,
              decimal: str = ".") -> str:
    """Prevalence per period (one line per series: name, estimate, low, high) with interval
    bars."""
    palette = (BLUE, ORANGE, GREEN, RED, "#CC79A7", "#56B4E9", "#F0E442", BLACK, GREY,
               "#7f3c8d")
    with _style():
        fig = _figure(6.4, 2.6)
        ax = fig.add_subplot()
        x = np.arange(len(periods), dtype=float)
        k = len(lines)
        for j, (name, est, lo, hi) in enumerate(lines):
            shift = (j - (k - 1) / 2) * min(0.08, 0.5 / max(k, 1))
            colour = palette[j % len(palette)]
            ok = np.isfinite(est)
            yerr = np.vstack([np.where(ok, est - lo, 0), np.where(ok, hi - est, 0)])
            yerr = np.nan_to_num(np.clip(yerr, 0, None))
            ax.errorbar(x[ok] + shift, est[ok], yerr=yerr[:, ok], color=colour, marker="o",
                        markersize=3.5, capsize=2, linewidth=1.2 if j else 1.8,
                        label=_short(name))
        if target is not None:
            ax.axhline(target, color=GREEN, linewidth=1.2, linestyle=":", label=target_label)
        ax.set_xticks(x, list(periods), rotation=45 if len(periods) > 8 else 0,
                      ha="right" if len(periods) > 8 else "center")
        ax.set_ylabel("%")
        ax.set_ylim(bottom=0)  # the title is the page's heading above; it labels the SVG
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        _decimal(ax, decimal, "y")
        longest = max([len(_short(line[0])) for line in lines] + [len(target_label or "")])
        fig.subplots_adjust(left=0.08, right=max(0.5, 0.98 - (0.45 + 0.06 * longest) / 6.4),
                            bottom=0.3 if len(periods) > 8 else 0.14, top=0.9)
        return to_svg(fig, title)


def _decimal(ax: Any, decimal: str, axes: str) -> None:
    """Tick labels with a decimal comma (Indonesian) where ``decimal`` is ","."""
    if decimal == ".":
        return
    from matplotlib.ticker import FuncFormatter

    def text(value: float, _: Any) -> str:
        return f"{value:g}".replace("-", "\u2212").replace(".", decimal)

    for name in axes:
        getattr(ax, f"{name}axis").set_major_formatter(FuncFormatter(text))


def _short(text: str, most: int = 34) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= most else text[: most - 1] + "\u2026"


class _style:
    """matplotlib's settings for the report's figures, only while one is drawn."""

    def __enter__(self) -> None:
        import matplotlib

        self._context = matplotlib.rc_context(_STYLE)
        self._context.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._context.__exit__(*exc)
