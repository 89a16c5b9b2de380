"""The survey report (zscore.report, zscore report): its sections, its numbers against
zscore.prevalence and zscore.quality, the league table's intervals against scipy's, the
escaping of every string from the data, no link outside the page, periods, languages, size.

The page is read back with html.parser (tests/html_helpers.py); intervals are checked against
scipy.stats.binomtest, which shares no code with zscore."""

from __future__ import annotations

import contextlib
import math
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

import zscore
from zscore import cli
from zscore.histogram import HistogramAccumulator

from .html_helpers import ALLOWED_URIS, Page, interval_text, uris

DATA = Path(__file__).resolve().parent / "data" / "reference_cases"
EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "zscore" / "data" / "examples" / \
    "posyandu.xlsx"
SECTIONS = {"summary", "distributions", "by-group", "over-time", "quality", "methods"}
REGION = "Geographical region"  # WHO's label of gregion
DESIGN = dict(weights="sw", cluster="cluster", strata="strata")


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@contextlib.contextmanager
def no_drawing():
    """For the tests of a page's tables and text: the plots are not drawn (each an empty
    <svg>), which is most of a page's time. The tests of the figures (self-contained, escaped,
    in Chromium, size) draw them."""
    from zscore.report import plots

    def blank(*args, **kwargs) -> str:
        return '<svg xmlns="http://www.w3.org/2000/svg"></svg>'

    with mock.patch.multiple(plots, density=blank, league=blank, bars=blank, over_time=blank):
        yield


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return pd.read_csv(DATA / "survey_cases.csv")


@pytest.fixture(scope="module")
def design_page(survey) -> str:
    return quiet(zscore.report, survey, by="gregion", **DESIGN)


@pytest.fixture(scope="module")
def register_page(survey) -> str:
    """The register page, with a target and periods (survey rounds as labels)."""
    return quiet(zscore.report, survey.assign(round=rounds(survey)), by="gregion", target=14,
                 period="round")


def rounds(data: pd.DataFrame) -> np.ndarray:
    return np.where(data.id % 2, "2024", "2025")


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory) -> str:
    """The report 'zscore demo' writes (zscore report posyandu.xlsx --by Desa --target 14)."""
    folder = tmp_path_factory.mktemp("demo") / "d"
    assert cli.main(["demo", str(folder), "--quiet"]) == 0
    return (folder / "posyandu_report.html").read_text(encoding="utf-8")


def _row(table: pd.DataFrame, group_variable: str, group: str, indicator: str,
         statistic: str) -> pd.Series:
    r = table[(table.group_variable == group_variable) & (table.group == group)
              & (table.indicator == indicator) & (table.statistic == statistic)]
    assert len(r) == 1
    return r.iloc[0]


HEADLINE = {"stunting": ("HA", "% z < -2"), "severe_stunting": ("HA", "% z < -3"),
            "wasting": ("WH", "% z < -2"), "severe_wasting": ("WH", "% z < -3"),
            "underweight": ("WA", "% z < -2"), "severe_underweight": ("WA", "% z < -3"),
            "overweight": ("WH", "% z > +2")}


# --- the page ---------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["design_page", "register_page"])
def test_sections_and_self_contained(which, request):
    text = request.getfixturevalue(which)
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    assert SECTIONS <= page.ids()
    tags = {t for t, _ in page.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert len(page.find("svg")) >= 4 + 4 * 3  # distributions, 3 groupings x 4 conditions
    assert uris(text) <= ALLOWED_URIS, uris(text) - ALLOWED_URIS
    for _, attrs in page.tags:
        assert "src" not in attrs
        assert attrs.get("href", "#").startswith("#")
        assert not any(k.startswith("on") for k in attrs)  # no event handlers
    assert re.findall(r"url\((?!#)", text) == []  # only the SVGs' own clip paths
    assert "@media print" in text


def test_headline_equals_prevalence(survey, design_page, register_page):
    for page, design in ((design_page, DESIGN), (register_page, {})):
        expected = quiet(zscore.prevalence, survey, by="gregion", **design)
        headline = Page(page).table("headline")
        for key, (indicator, statistic) in HEADLINE.items():
            r = _row(expected, "All", "All", indicator, statistic)
            n = _row(expected, "All", "All", indicator, "n (unweighted)").estimate
            cells = headline.cells("data-condition", key)
            assert cells[1:] == [f"{r.estimate:.1f}", interval_text(r.ci_lower, r.ci_upper),
                                 f"{int(n):,}"], key


def test_league_design_intervals_and_marks(survey, design_page):
    expected = quiet(zscore.prevalence, survey, by="gregion", **DESIGN)
    page = Page(design_page)
    overall = _row(expected, "All", "All", "HA", "% z < -2").estimate
    table = page.table("league", data_grouping=REGION, data_condition="stunting")
    groups = expected[(expected.group_variable == REGION) & (expected.indicator == "HA")
                      & (expected.statistic == "% z < -2")]
    assert len(table.rows) - 1 == len(groups)
    estimates = [float(cells[2]) for _, cells in table.rows[1:]]
    assert estimates == sorted(estimates, reverse=True)
    for r in groups.itertuples():
        cells = table.cells("data-group", r.group)
        assert cells[2] == f"{r.estimate:.1f}"
        assert cells[3] == interval_text(r.ci_lower, r.ci_upper)
        same = r.ci_lower <= overall <= r.ci_upper
        assert cells[5] == ("not distinguishable" if same else
                            "higher" if r.ci_lower > overall else "lower")


def test_league_register_wilson_and_target(survey, register_page):
    expected = quiet(zscore.prevalence, survey, by="gregion")
    page = Page(register_page)
    for condition, (indicator, statistic) in (("stunting", ("HA", "% z < -2")),
                                              ("overweight", ("WH", "% z > +2"))):
        table = page.table("league", data_grouping=REGION, data_condition=condition)
        groups = expected[(expected.group_variable == REGION)
                          & (expected.indicator == indicator) & (expected.statistic == statistic)]
        for r in groups.itertuples():
            n = int(_row(expected, REGION, r.group, indicator, "n (unweighted)").estimate)
            x = round(r.estimate * n / 100)
            ci = binomtest(x, n).proportion_ci(method="exact" if x in (0, n) else "wilson")
            low, high = 100 * ci.low, 100 * ci.high
            if x == 0:  # one-sided 97.5 % bound = the two-sided 95 % exact upper end
                low = 0.0
            cells = table.cells("data-group", r.group)
            assert cells[3] == interval_text(low, high), (condition, r.group)
            want = "above the target" if low > 14 else "below the target" if high < 14 \
                else "cannot tell"
            assert cells[6:] == ([want] if condition == "stunting" else [])  # a stunting target


LONG_NAME = "X" * 300  # a village name of 300 letters without a space (a pasted code)


@pytest.fixture(scope="module")
def escaping_page(survey) -> str:
    """Villages called Kampung Sehat (37 children, none stunted), <script>alert(1)</script>
    and 300 X's, in a column called "desa <b>x</b>"."""
    scored = quiet(zscore.classify, survey[survey.age_days < 1800])
    ok = scored[scored.zlen.notna() & (scored.flen == 0)]
    none_stunted = ok[ok.zlen >= -1.5].head(37).assign(desa="Kampung Sehat")
    rest = ok.drop(none_stunted.index).head(400).assign(desa="<script>alert(1)</script>")
    long = ok.drop(none_stunted.index).drop(rest.index).head(60).assign(desa=LONG_NAME)
    data = pd.concat([none_stunted, rest, long]).rename(columns={"desa": "desa <b>x</b>"})
    return quiet(zscore.report, data, by="desa <b>x</b>", title="Kab. <Test> & co",
                 source="a&b<c>.csv", target=14)


def test_zero_of_n_upper_bound_and_escaping(escaping_page):
    text = escaping_page
    page = Page(text)
    assert not any(t == "script" or t == "b" for t, _ in page.tags)
    words = page.all_text()
    assert "<script>alert(1)</script>" in words and "desa <b>x</b>" in words
    assert "Kab. <Test> & co" in words and "a&b<c>.csv" in words
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # matplotlib's SVG text is escaped too: the group's name in the plots is text, not a tag
    assert "<script" not in text.lower()
    upper = 100 * (1 - 0.025 ** (1 / 37))
    assert f"{upper:.1f}" == "9.5"
    assert "0 of 37 measured: the true prevalence could be up to 9.5 %" in words
    table = page.table("league", data_grouping="desa <b>x</b>", data_condition="stunting")
    cells = table.cells("data-group", "Kampung Sehat")
    assert cells[2] == "0.0" and cells[3] == "0.0 – 9.5" and cells[4] == "37"


def test_quality_equals_zscore_quality(survey, design_page):
    q = quiet(zscore.quality, survey, by="gregion", weights="sw")
    table = Page(design_page).table("checks")
    overall = q[q.group_by == "all"]
    assert len(table.rows) - 1 == len(overall)
    for (attrs, cells), r in zip(table.rows[1:], overall.itertuples(), strict=True):
        assert (attrs["data-check"], attrs["data-variable"]) == (r.check, r.variable)
        assert cells[2] == r.statistic
        value = "-" if not math.isfinite(r.value) else f"{r.value:,.3f}"
        assert cells[4] == value
        assert cells[8] == r.verdict
        if math.isfinite(r.high) and not math.isfinite(r.low):
            assert f"up to {r.high:g})" in cells[5]
    by_group = Page(design_page).table("quality-by", data_grouping="gregion")
    heads = by_group.rows[0][1]
    sd = q[(q.group_by == "gregion") & (q.check == "sd") & (q.variable == "zlen")]
    assert len(by_group.rows) - 1 == len(sd) == 12
    for r in sd.itertuples():
        assert by_group.cells("data-group", r.group)[heads.index("SD HAZ")] == f"{r.value:,.2f}"


def test_distribution_counts_and_merge(survey):
    """The binned z-scores: every unflagged z-score in its 0.1 SD bin (hundredths, integer
    arithmetic), by sex; parts merged give the whole."""
    scored = quiet(zscore.classify, survey)
    whole = HistogramAccumulator().add(survey).result()
    parts = HistogramAccumulator().add(survey.iloc[:1234])
    parts.merge(HistogramAccumulator().add(scored.iloc[1234:]))  # classified parts too
    merged = parts.result()
    for j, z in enumerate(("zlen", "zwei", "zwfl", "zbmi")):
        for s, std in enumerate(("2006", "2007")):
            rows = scored[(scored.standard == std) & scored[z].notna()
                          & (scored["f" + z[1:]] == 0)]
            hundredths = np.rint(rows[z].to_numpy() * 100).astype(int)
            bins = np.clip((hundredths + 600) // 10, 0, 119)
            want = np.bincount(bins, minlength=120)
            np.testing.assert_array_equal(whole.counts[s, j, 0], want)
            boys = np.bincount(bins[rows.csex.to_numpy() == 1], minlength=120)
            np.testing.assert_array_equal(whole.counts[s, j, 1], boys)
            np.testing.assert_array_equal(merged.counts[s, j], whole.counts[s, j])
    np.testing.assert_array_equal(merged.reasons, whole.reasons)
    assert whole.children.sum() == len(survey)


def test_periods_labels_and_dates(survey):
    data = survey.head(2500).copy()
    data["round"] = np.where(data.id % 3 == 0, "2024-S1", np.where(data.id % 3 == 1, "2024-S2",
                                                                   "2025-S1"))
    with no_drawing():
        text = quiet(zscore.report, data, by="typeres", period="round")
    expected = quiet(zscore.prevalence, data, by="round")
    page = Page(text)
    table = page.table("period", data_condition="stunting")
    for label in ("2024-S1", "2024-S2", "2025-S1"):
        r = _row(expected, "round", label, "HA", "% z < -2")
        n = int(_row(expected, "round", label, "HA", "n (unweighted)").estimate)
        x = round(r.estimate * n / 100)
        ci = binomtest(x, n).proportion_ci(method="wilson")
        assert table.cells("data-period", label)[1:] == [
            f"{r.estimate:.1f}", interval_text(100 * ci.low, 100 * ci.high), f"{n:,}"]
    by = page.table("period-by", data_grouping="typeres", data_condition="stunting")
    assert {a["data-group"] for a, _ in by.rows[1:]} == {"Urban", "Rural"}
    # a column of dates, binned by year
    data = data.head(1000)
    data["visit"] = pd.Timestamp("2023-11-20") + pd.to_timedelta(data.id % 400, unit="D")
    with no_drawing():
        text = quiet(zscore.report, data, period="visit", period_unit="year")
    data["year"] = data.visit.dt.year.astype(str)
    expected = quiet(zscore.prevalence, data, by="year")
    table = Page(text).table("period", data_condition="wasting")
    for label in ("2023", "2024"):
        r = _row(expected, "year", label, "WH", "% z < -2")
        assert table.cells("data-period", label)[1] == f"{r.estimate:.1f}"


def test_cli_period_from_visit_dates_streamed(tmp_path, survey):
    """zscore report on a CSV of dates (day/month/year text), read in batches: the visit dates
    binned by semester, as zscore.prevalence by a semester column computed here."""
    data = survey.copy()
    visit = pd.Timestamp("2024-01-03") + pd.to_timedelta((data.id * 7) % 540, unit="D")
    birth = visit - pd.to_timedelta(data.age_days, unit="D")
    data["tanggal_lahir"] = birth.dt.strftime("%d/%m/%Y")
    data["tanggal_ukur"] = visit.dt.strftime("%d/%m/%Y")
    data = data.drop(columns=["age_days"])
    path = tmp_path / "register.csv"
    data.to_csv(path, index=False, sep=";")
    out = tmp_path / "register_report.html"
    with no_drawing():
        code = cli.main(["report", str(path), "--birth-date", "tanggal_lahir", "--visit-date",
                         "tanggal_ukur", "--period", "semester", "--batch-rows", "1500",
                         "--quiet"])
    assert code == 0 and out.exists()
    data["sem"] = [f"{v.year}-S{1 if v.month <= 6 else 2}" for v in visit]
    expected = quiet(zscore.prevalence, data, birth_date="tanggal_lahir",
                     visit_date="tanggal_ukur", by="sem")
    page = Page(out.read_text(encoding="utf-8"))
    table = page.table("period", data_condition="stunting")
    for label in ("2024-S1", "2024-S2", "2025-S1"):
        r = _row(expected, "sem", label, "HA", "% z < -2")
        n = _row(expected, "sem", label, "HA", "n (unweighted)").estimate
        cells = table.cells("data-period", label)
        assert cells[1] == f"{r.estimate:.1f}" and cells[3] == f"{int(n):,}"
    headline = page.table("headline")
    whole = quiet(zscore.prevalence, data, birth_date="tanggal_lahir", visit_date="tanggal_ukur")
    r = _row(whole, "All", "All", "HA", "% z < -2")
    assert headline.cells("data-condition", "stunting")[1:3] == [
        f"{r.estimate:.1f}", interval_text(r.ci_lower, r.ci_upper)]


def test_indonesian_labels(survey):
    with no_drawing():
        text = quiet(zscore.report, survey.head(600), lang="id")
    page = Page(text)
    assert page.find("html")[0]["lang"] == "id"
    words = page.all_text()
    for term in ("Ringkasan", "Kualitas data", "pendek", "sangat pendek", "gizi kurang",
                 "gizi buruk", "berat badan kurang", "Laki-laki", "Perempuan"):
        assert term in words, term
    assert "Stunting (HAZ < -2)" not in words
    expected = quiet(zscore.prevalence, survey.head(600))
    r = _row(expected, "All", "All", "HA", "% z < -2")
    cells = page.table("headline").cells("data-condition", "stunting")
    assert cells[1] == f"{r.estimate:.1f}".replace(".", ",")  # Indonesian decimal comma


def test_cli_demo_register_and_errors(tmp_path, capsys, demo_page):
    page = Page(demo_page)  # zscore demo wrote it
    assert SECTIONS <= page.ids()
    assert page.table("league", data_grouping="Desa", data_condition="stunting")
    assert "posyandu.xlsx" in page.all_text()
    league = page.table("league", data_grouping="Desa", data_condition="stunting").rows[1:]
    marks = [cells[5] for _, cells in league]
    targets = [cells[6] for _, cells in league]
    said = (f"of {len(league)} groups of Desa, {marks.count('higher')} higher than the whole, "
            f"{marks.count('lower')} lower, {marks.count('not distinguishable')} not "
            f"distinguishable from it (95 % intervals). Against the target of 14 %: "
            f"{targets.count('above the target')} above, {targets.count('below the target')} "
            f"below, {targets.count('cannot tell')} cannot tell.")
    assert said in " ".join(page.all_text().split())
    out = tmp_path / "r.html"
    kids = tmp_path / "kids.csv"
    kids.write_text("sex,age,weight,lenhei\n1,400,9.1,74\n2,800,11.2,84\n1,1200,13,92\n")
    with no_drawing():
        assert cli.main(["report", str(kids), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Stunting (HAZ < -2)" in printed and "wrote the report" in printed
    # a report is an HTML page; a run with nothing to score writes nothing
    assert cli.main(["report", str(EXAMPLE), "-o", str(tmp_path / "r.csv")]) == 2
    empty = tmp_path / "empty.csv"
    empty.write_text("sex,age,weight,lenhei\n1,,,\n2,,,\n")
    assert cli.main(["report", str(empty), "-o", str(tmp_path / "e.html")]) == 2
    assert "zscore: error:" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "e.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv", "kids.csv", "r.html"]


def test_many_groups_stay_small(survey):
    """About 400 villages: the page stays far below 3 MiB (plots show the 60 highest, tables
    list 300); the 10 M-row check is benchmarks/report_size.py."""
    rng = np.random.default_rng(7)
    data = survey.head(2500)
    data = data.assign(desa=[f"Desa {k:04d}" for k in rng.integers(0, 400, len(data))])
    text = quiet(zscore.report, data, by="desa")
    size = len(text.encode("utf-8"))
    assert size < 3 * 1024 * 1024, size
    table = Page(text).table("league", data_grouping="desa", data_condition="stunting")
    assert len(table.rows) - 1 == 300
    assert re.search(r"The first 300 of [\d,]+ groups are listed", Page(text).all_text())


def test_bad_options():
    kids = {"sex": [1, 2], "age": [400, 500], "weight": [9.0, 8.1], "lenhei": [74.0, 72.0]}
    with pytest.raises(zscore.InputError, match="lang"):
        zscore.report(kids, lang="fr")
    with pytest.raises(zscore.InputError, match="target"):
        zscore.report(kids, target=140)
    with pytest.raises(zscore.InputError, match="period_unit"):
        zscore.report(kids, period="age", period_unit="week")
    with pytest.raises(zscore.InputError, match="visit"):
        zscore.report(kids, period="month")


# --- in a browser ---------------------------------------------------------------------------------
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no headless Chromium on this machine (.ci/run installs the Debian "
                             "package 'chromium' where apt-get is available)")
#: Shows the figures only (the page's text hidden), to measure what the plots draw.
ONLY_PLOTS = ("<style>body>header,body>nav,body>footer,section>:not(figure):not(.figures),"
              "figcaption,.fig-title{display:none!important}section,h2{margin:0;break-before:auto}</style>")


def render_in_chromium(html: Path, png: Path, size: tuple[int, int] = (1200, 2400)
                       ) -> list[str]:
    """Open ``html`` in headless Chromium, save a screenshot; the console messages the page
    logged (Chromium writes each as an INFO:CONSOLE line with --enable-logging=stderr)."""
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", f"--window-size={size[0]},{size[1]}",
             f"--screenshot={png}", html.as_uri()],
            capture_output=True, text=True, timeout=120)
    assert png.exists(), run.stderr[-2000:]
    return [line for line in run.stderr.splitlines() if ":CONSOLE" in line]


def ink(png: Path) -> tuple[int, int]:
    """Pixels that are not near-white, and coloured pixels (the plots' blue, orange, green and
    red lines and bars; the page's text is black and grey)."""
    from PIL import Image

    a = np.asarray(Image.open(png).convert("RGB")).astype(int)
    dark = int((a.min(axis=2) < 200).sum())
    coloured = int((a.max(axis=2) - a.min(axis=2) > 80).sum())
    return dark, coloured


@needs_chromium
@pytest.mark.parametrize("which", ["demo_page", "design_page", "register_page"])
def test_renders_in_chromium_with_plots(which, request, tmp_path):
    """The page opens with no console message; its figures alone (the text hidden) draw
    lines and bars in the plots' colours: plots are there and not blank."""
    text = request.getfixturevalue(which)
    plots_only = tmp_path / "plots.html"
    plots_only.write_text(text.replace("</head>", ONLY_PLOTS + "</head>"), encoding="utf-8")
    assert render_in_chromium(plots_only, tmp_path / "plots.png") == []
    dark, coloured = ink(tmp_path / "plots.png")
    assert dark > 30_000 and coloured > 4_000, (dark, coloured)
    if which == "demo_page":
        # The same page without its SVGs is blank (the ink is the plots'), and the console
        # check can fail: a script error added to that page is caught. One Chromium for both.
        no_svg = tmp_path / "none.html"
        stripped = re.sub(r"<svg\b.*?</svg>", "", plots_only.read_text(encoding="utf-8"),
                          flags=re.S)
        no_svg.write_text(stripped.replace(
            "</body>", "<script>console.error('boom'); nope();</script></body>"),
            encoding="utf-8")
        messages = render_in_chromium(no_svg, tmp_path / "none.png", (1200, 600))
        assert any("boom" in m for m in messages) and any("nope" in m for m in messages)
        assert len(messages) == 2, messages  # the page itself logs nothing
        assert ink(tmp_path / "none.png") == (0, 0)


def test_dask_partitions_give_the_same_figures(survey, design_page):
    """zscore.dask.report: the page from the partitions' merged sums has the headline and the
    league table of the one-call page."""
    dd = pytest.importorskip("dask.dataframe")
    import dask

    import zscore.dask

    with dask.config.set(scheduler="synchronous"), no_drawing():
        text = quiet(zscore.dask.report, dd.from_pandas(survey, npartitions=4), by="gregion",
                     **DESIGN)
    ours, whole = Page(text), Page(design_page)
    assert ours.table("headline").rows == whole.table("headline").rows
    for condition in ("stunting", "wasting"):
        assert (ours.table("league", data_grouping=REGION, data_condition=condition).rows
                == whole.table("league", data_grouping=REGION, data_condition=condition).rows)
    assert ours.table("checks").rows == whole.table("checks").rows


def test_every_label_in_both_languages():
    from zscore.report.labels import EN, ID

    assert set(EN) == set(ID)
    assert all(ID[k] for k in ID)


def test_period_of_a_classified_table_and_a_missing_column(survey):
    data = survey.head(800).copy()
    visit = pd.Timestamp("2024-03-01") + pd.to_timedelta(data.id % 300, unit="D")
    data["tanggal_lahir"] = visit - pd.to_timedelta(data.age_days, unit="D")
    data["tanggal_ukur"] = visit
    scored = quiet(zscore.classify, data.drop(columns=["age_days"]))
    with no_drawing():
        text = quiet(zscore.report, scored, period="semester")
    periods = {a["data-period"] for a, _ in Page(text).table("period", data_condition="stunting")
               .rows[1:]}
    assert periods == {"2024-S1", "2024-S2"}
    with pytest.raises(zscore.InputError, match="periode"):
        zscore.report(data, period="periode")


def test_same_data_same_svg(design_page):
    """The SVGs are deterministic (fixed hash salt, no metadata): the same figure twice is
    the same text."""
    from zscore.report import plots

    args = (["a", "b <c>"], np.array([10.0, 20.0]), np.array([5.0, 12.0]),
            np.array([18.0, 30.0]), ["same", "higher"], 15.0, "Stunting", 14.0, "overall",
            "target")
    assert plots.league(*args) == plots.league(*args)
    edges = np.linspace(-6, 6, 25)
    counts = np.arange(24)
    series = [("All", counts, "#000000")]
    assert plots.density(edges, series, "t", "WHO", "z") == \
        plots.density(edges, series, "t", "WHO", "z")
    assert "<dc:date" not in design_page and "<metadata" not in design_page


def test_periods_from_every_kind_of_table(survey):
    """pandas, polars, pyarrow and dicts of arrays get the same periods and crossed groups
    (the report's figures, without drawing them)."""
    pl = pytest.importorskip("polars")
    import pyarrow as pa

    from zscore.report import ReportAccumulator

    data = survey.head(1000).copy()
    data["round"] = np.where(data.id % 2 == 0, "2024-S1", "2024-S2")
    tables = [data, pl.from_pandas(data), pa.Table.from_pandas(data),
              {k: data[k].to_numpy() for k in data.columns}]
    results = []
    for table in tables:
        acc = ReportAccumulator(by="typeres", period="round")
        t = quiet(lambda a=acc, t=table: a.add(t).result()).prevalence
        results.append(t[t.group_variable.str.startswith("Period")]
                       .reset_index(drop=True)[["group_variable", "group", "estimate"]])
    assert set(results[0].group) >= {"2024-S1", "2024-S2", "2024-S1\tUrban"}
    for other in results[1:]:
        pd.testing.assert_frame_equal(other, results[0])


# --- found in review (issue 11) -----------------------------------------------------------------
def _league_figure(text: str, grouping: str, condition: str) -> str:
    found = re.findall(rf'<figure class="plot league" data-grouping="{re.escape(grouping)}" '
                       rf'data-condition="{condition}">(.*?)</figure>', text, flags=re.S)
    assert len(found) == 1, (grouping, condition)
    return found[0]


def test_target_is_stunting_only(register_page):
    """--target is a stunting target (Indonesia's 14 %): it is not drawn on, nor compared with,
    wasting, underweight or overweight, which have other targets or none."""
    page = Page(register_page)
    for condition in ("stunting", "wasting", "underweight", "overweight"):
        table = page.table("league", data_grouping=REGION, data_condition=condition)
        heads = table.rows[0][1]
        svg = _league_figure(register_page, REGION, condition)
        if condition == "stunting":
            assert heads[-1] == "Against the target"
            assert "Target 14 %" in svg
        else:
            assert "Against the target" not in heads, condition
            assert "Target 14" not in svg, condition
            assert all(len(cells) == 6 for _, cells in table.rows), condition


def test_target_only_on_stunting_over_time(survey, register_page):
    text = register_page
    figures = dict(re.findall(r'<figure class="plot period" data-condition="(\w+)">(.*?)</figure>',
                              text, flags=re.S))
    assert "Target 14 %" in figures["stunting"]
    assert not any("Target 14" in figures[c] for c in ("wasting", "underweight", "overweight"))


def test_period_column_of_dates_with_blanks(tmp_path, survey):
    """A text column of day/month/year dates in which some visits have no date (blank cells,
    as a CSV gives them) is binned into months, not used as one label per day."""
    data = survey.head(400).copy()
    visit = pd.Timestamp("2024-01-05") + pd.to_timedelta(data.id % 120, unit="D")
    data["tgl"] = visit.dt.strftime("%d/%m/%Y")
    data.loc[data.index[::7], "tgl"] = ""
    path = tmp_path / "register.csv"
    data.to_csv(path, index=False)
    out = tmp_path / "r.html"
    with no_drawing():
        assert cli.main(["report", str(path), "--period", "tgl", "-o", str(out),
                         "--quiet"]) == 0
    table = Page(out.read_text(encoding="utf-8")).table("period", data_condition="stunting")
    periods = [a["data-period"] for a, _ in table.rows[1:]]
    assert periods == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    dated = data[data.tgl != ""].assign(month=visit.dt.strftime("%Y-%m"))
    expected = quiet(zscore.prevalence, dated, by="month")
    for label in periods:
        r = _row(expected, "month", label, "HA", "% z < -2")
        assert table.cells("data-period", label)[1] == f"{r.estimate:.1f}"


def test_nothing_scored_is_an_error(tmp_path, capsys, survey):
    """Sex missing for every child: no z-score at all (a few oedema children still count in
    WHO's wasting n). The report says so and writes nothing, from Python and the command line."""
    data = survey.head(300).assign(sex="")
    with pytest.raises(zscore.InputError, match="no child could be scored"):
        quiet(zscore.report, data, output=tmp_path / "p.html")
    path = tmp_path / "nosex.csv"
    data.to_csv(path, index=False)
    assert cli.main(["report", str(path), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("zscore: error:") == 1 and "sex_missing" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nosex.csv"]


@needs_chromium
def test_escaped_page_in_chromium_and_a_long_name_wraps(tmp_path, escaping_page):
    """The page of villages called <script>alert(1)</script> and 300 X's opens with no console
    message but our probe's: nothing of the data runs, and the long name wraps in its cell, so
    the league table's prevalence, interval and marks stay on the page (no sideways scroll)."""
    page = tmp_path / "escaping.html"
    probe = ("<script>console.log('too wide: ' + (document.documentElement.scrollWidth > "
             "window.innerWidth))</script></body>")
    page.write_text(escaping_page.replace("</body>", probe), encoding="utf-8")
    messages = render_in_chromium(page, tmp_path / "escaping.png", (1200, 800))
    assert len(messages) == 1 and "too wide: false" in messages[0], messages


def test_a_group_of_all_stunted_with_a_design_gets_the_exact_bound(survey):
    """With a design, a group in which every child is stunted has a design interval of
    100 to 100 (its variance is 0), as 0 % has 0 to 0: the exact lower bound on its children,
    0.025^(1/n), is shown instead (the mirror of the bound at 0)."""
    scored = quiet(zscore.classify, survey[survey.age_days < 1800])
    ok = scored[scored.zlen.notna() & (scored.flen == 0)]
    stunted = ok[ok.zlen < -2.5].head(12).assign(gregion="All stunted")
    data = pd.concat([ok.drop(stunted.index).head(1500), stunted])
    with no_drawing():
        text = quiet(zscore.report, data, by="gregion", **DESIGN)
    cells = Page(text).table("league", data_grouping=REGION, data_condition="stunting").cells(
        "data-group", "All stunted")
    ci = binomtest(12, 12).proportion_ci(method="exact")
    assert cells[2:5] == ["100.0", interval_text(100 * ci.low, 100.0), "12"]
    assert f"{100 * 0.025 ** (1 / 12):.1f}" == f"{100 * ci.low:.1f}" == "73.5"


def test_a_group_named_like_a_sex_is_shown_as_it_is(survey):
    """Data are shown as they are: in Indonesian, WHO's Sex groups read Laki-laki and
    Perempuan, but a village called "Male" stays "Male"."""
    data = survey.head(600).assign(desa=np.where(survey.head(600).id % 2, "Male", "Female"))
    with no_drawing():
        text = quiet(zscore.report, data, by="desa", lang="id")
    page = Page(text)
    names = [cells[1] for _, cells in page.table("league", data_grouping="desa",
                                                 data_condition="stunting").rows[1:]]
    assert sorted(names) == ["Female", "Male"]
    names = [cells[1] for _, cells in page.table("league", data_grouping="Sex",
                                                 data_condition="stunting").rows[1:]]
    assert sorted(names) == ["Laki-laki", "Perempuan"]


def test_counts_of_groups_are_written_as_numbers(survey):
    """More than a thousand villages: every count of groups has its thousands separator, in
    the language's own (1,0xx in English, 1.0xx in Indonesian), the plot's and table's notes
    alike."""
    data = survey.head(2100).assign(desa=[f"Desa {k % 1050:04d}" for k in range(2100)])
    with no_drawing():
        text = quiet(zscore.report, data, by="desa", lang="id")
    words = " ".join(Page(text).all_text().split())
    shown = re.findall(r"Ditampilkan 60 tertinggi dari (\S+) kelompok", words)
    listed = re.findall(r"Ditampilkan 300 kelompok pertama dari (\S+)\.? ", words)
    folded = re.findall(r"Kelompok: ([\d.,]+)", words)
    assert shown and listed and folded
    assert all(re.fullmatch(r"1\.\d{3}", n) for n in shown + folded), (shown, folded)


def test_children_without_a_group_are_no_empty_group_over_time(survey):
    """Children whose desa is blank are in the whole and in their period, not an unnamed
    group (an empty row and an empty legend entry) in the period-by-desa table and plot."""
    data = survey.head(800)
    data = data.assign(desa=np.where(data.id % 10 == 0, None, np.where(data.id % 2, "A", "B")),
                       tahun=np.where(data.id % 3, "2024", "2025"))
    with no_drawing():
        text = quiet(zscore.report, data, by="desa", period="tahun")
    table = Page(text).table("period-by", data_grouping="desa", data_condition="stunting")
    assert sorted(a["data-group"] for a, _ in table.rows[1:]) == ["A", "B"]


def test_analysed_and_excluded_add_up_for_5_to_19_years():
    """5-19 years: weight-for-age is for 5-10 years only. Its row counts the records of those
    ages, and its reasons are those records' (records = with a z-score + without, by reason),
    not the older children's age_out_of_range, who are not among its records."""
    rng = np.random.default_rng(11)
    n = 600
    years = rng.uniform(5.1, 18.9, n)
    data = {"sex": rng.integers(1, 3, n), "age": np.round(years * 12, 1),
            "height": np.round(108 + 6.2 * (years - 5) + rng.normal(0, 6, n), 1),
            "weight": np.round(18 + 3.1 * (years - 5) + rng.normal(0, 3, n), 1)}
    data["weight"][:9] = np.nan
    with no_drawing():
        text = quiet(zscore.report, data, age_unit="months")
    table = next(t for t in Page(text).tables if t.attrs.get("id") == "analysed")
    for _, cells in table.rows[1:]:
        records, with_z = (int(c.replace(",", "")) for c in cells[1:3])
        missing = sum(int(v.replace(",", "")) for v in re.findall(r": ([\d,]+)", cells[5]))
        assert records == with_z + missing, cells
    wfa = table.rows[[c[0] for _, c in table.rows].index("Weight-for-age (5-10 years)")][1]
    assert int(wfa[1]) == int((years < 10).sum()) and "age_out_of_range" not in wfa[5]


def test_every_id_on_the_page_is_unique(design_page, demo_page):
    """HTML ids are unique: each inline SVG's own ids (matplotlib's clip paths and markers) are
    its own, and every reference inside an SVG points at an id of that SVG."""
    for text in (design_page, demo_page):
        page = Page(text)
        ids = [a["id"] for _, a in page.tags if "id" in a]
        assert len(ids) == len(set(ids)), [i for i in set(ids) if ids.count(i) > 1][:5]
        for svg in re.findall(r"<svg\b.*?</svg>", text, flags=re.S):
            own = set(re.findall(r'\bid="([^"]+)"', svg))
            refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
            assert refs <= own, refs - own
