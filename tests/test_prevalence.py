"""zscore.prevalence: the estimators against a slow, obviously correct reference written here,
WHO's properties of the design-based estimators, WHO's groups and labels, and bad input.

The reference (``reference``) computes every estimate group by group from its definition:
the weighted ratio, the linearised scores summed by PSU, centred within strata (a lonely PSU
uncentred), with-replacement factor n_h / (n_h - 1); nothing is shared with zscore's kernels.
Tables are given as classified z-scores (``csex``, ``zlen`` ...), so the estimators are tested
on exactly the values drawn.
"""

from __future__ import annotations

import importlib
import math
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import zscore
from zscore import InputError

CUTS = {"% z < -3": (lambda z: z < -3), "% z < -2": (lambda z: z < -2),
        "% z < -1": (lambda z: z < -1), "% z > +1": (lambda z: z > 1),
        "% z > +2": (lambda z: z > 2), "% z > +3": (lambda z: z > 3)}
Z = {"HA": "zlen", "WA": "zwei", "BMI": "zbmi", "WH": "zwfl"}
AGE_BREAKS_DAYS = [m * 30.4375 for m in (0, 6, 12, 24, 36, 48, 60)]
prev_module = importlib.import_module("zscore.prevalence")  # the module, not the function
survey_module = importlib.import_module("zscore._survey")


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def survey_table(seed: int, n: int, nstrata: int, clusters: int, zero_weights: bool = False,
                 missing: float = 0.1) -> pd.DataFrame:
    """Classified z-scores (2 decimals, some missing) with a stratified cluster design."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({
        "csex": rng.integers(1, 3, n).astype(float),
        "age": rng.uniform(0, 1826, n),
        "stratum": rng.integers(0, nstrata, n),
        "w": rng.uniform(0.5, 3.0, n),
        "region": rng.choice(["north", "south", "east"], n),
    })
    table["cluster"] = rng.integers(0, clusters, n)
    if zero_weights:
        table.loc[rng.random(n) < 0.15, "w"] = 0.0
    for column in Z.values():
        z = np.round(rng.normal(-1.0, 1.5, n), 2).clip(-4.5, 4.5)
        z[rng.random(n) < missing] = np.nan
        table[column] = z
    return table


# --- the reference ---------------------------------------------------------------------------
def reference(table: pd.DataFrame, y: np.ndarray, member: np.ndarray, w: np.ndarray,
              psu: np.ndarray, stratum: np.ndarray) -> tuple[float, float]:
    """Weighted mean of y over the group's rows with a value, and its linearised SE."""
    d = member & ~np.isnan(y)
    total = w[d].sum()
    if not total > 0:
        return math.nan, math.nan
    r = (w[d] * y[d]).sum() / total
    t = np.where(d, w * (np.nan_to_num(y) - r) / total, 0.0)
    var = 0.0
    for h in np.unique(stratum):
        in_h = stratum == h
        psus = np.unique(psu[in_h])
        sums = np.array([t[in_h & (psu == p)].sum() for p in psus])
        if psus.size > 1:
            var += psus.size / (psus.size - 1) * ((sums - sums.mean()) ** 2).sum()
        else:
            var += sums[0] ** 2  # lonely PSU, "adjust"
    return r, math.sqrt(var)


def groups_of(table: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    n = len(table)
    out = {("All", "All"): np.ones(n, dtype=bool)}
    age = np.searchsorted(AGE_BREAKS_DAYS, table["age"].to_numpy(), side="right") - 1
    labels = prev_module.AGE_LABELS_2006
    for k, label in enumerate(labels):
        out[("Age group", label)] = age == k
    for code, sex in ((2, "Female"), (1, "Male")):
        out[("Sex", sex)] = (table["csex"] == code).to_numpy()
    for code, sex in ((2, "Female"), (1, "Male")):
        for k, label in enumerate(labels):
            out[("Age + sex", f"{label}.{sex}")] = (age == k) & (table["csex"] == code).to_numpy()
    for region in sorted(table["region"].unique()):
        out[("region", region)] = (table["region"] == region).to_numpy()
    return out


def check_against_reference(table: pd.DataFrame, psu: np.ndarray, stratum: np.ndarray,
                            df: float, df_mean: float | None = None, **kw) -> int:
    got = quiet(zscore.prevalence, table, by=["region"], **kw)
    w = table["w"].to_numpy() if "weights" in kw else np.ones(len(table))
    tq = stats.t.ppf(0.975, df)
    tq_mean = stats.t.ppf(0.975, df if df_mean is None else df_mean)
    checked = 0
    groups = groups_of(table)
    for (variable, level), member in groups.items():
        rows = got[(got.group_variable == variable) & (got.group == level)].set_index("statistic")
        for prefix, column in Z.items():
            z = table[column].to_numpy()
            part = rows[rows.indicator == prefix]
            has = member & ~np.isnan(z)
            assert part.loc["n (unweighted)", "estimate"] == has.sum()
            assert part.loc["n (weighted)", "estimate"] == pytest.approx(w[has].sum(), rel=1e-12)
            for name, cut in CUTS.items():
                y = np.where(np.isnan(z), np.nan, cut(z).astype(float))
                r, se = reference(table, y, member, w, psu, stratum)
                row = part.loc[name]
                if math.isnan(r):
                    assert math.isnan(row.estimate)
                    continue
                assert row.estimate == pytest.approx(100 * r, rel=1e-9, abs=1e-12)
                assert row.se == pytest.approx(100 * se, rel=1e-7, abs=1e-10)
                if 0 < r < 1:
                    half = tq * se / (r * (1 - r))
                    lo = 1 / (1 + math.exp(-(math.log(r / (1 - r)) - half)))
                    assert row.ci_lower == pytest.approx(100 * lo, rel=1e-7, abs=1e-10)
                checked += 1
            r, se = reference(table, z, member, w, psu, stratum)
            row = part.loc["mean z"]
            if math.isnan(r):
                assert math.isnan(row.estimate)
                continue
            assert row.estimate == pytest.approx(r, rel=1e-9, abs=1e-12)
            assert row.se == pytest.approx(se, rel=1e-7, abs=1e-12)
            assert row.ci_upper == pytest.approx(r + tq_mean * se, rel=1e-7, abs=1e-10)
            checked += 1
    return checked


def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --- the estimators against the reference ---------------------------------------------------
@examples(12)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(20, 120), nstrata=st.integers(1, 4),
       clusters=st.integers(2, 12), zero_weights=st.booleans())
def test_cluster_design_matches_the_reference(seed, n, nstrata, clusters, zero_weights):
    table = survey_table(seed, n, nstrata, clusters, zero_weights)
    stratum = table["stratum"].to_numpy()
    psu = stratum * 1000 + table["cluster"].to_numpy()  # nest = TRUE
    positive = table["w"].to_numpy() != 0
    df = np.unique(psu[positive]).size - np.unique(stratum[positive]).size
    assert check_against_reference(table, psu, stratum, df, weights="w", cluster="cluster",
                                   strata="stratum") > 0


@examples(8)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(10, 80), nstrata=st.integers(1, 3))
def test_strata_without_clusters_match_the_reference(seed, n, nstrata):
    """ids = ~1: every child is its own PSU."""
    table = survey_table(seed, n, nstrata, 1)
    stratum = table["stratum"].to_numpy()
    df = n - np.unique(stratum).size
    assert check_against_reference(table, np.arange(n), stratum, df, weights="w",
                                   strata="stratum") > 0


@examples(8)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(10, 80), zero_weights=st.booleans())
def test_weights_only_match_the_reference(seed, n, zero_weights):
    """WHO's hybrid method: its prevalences are a one-stratum design of children (df: children
    with a weight, minus 1); its means a closed form with df = n - 1."""
    table = survey_table(seed, n, 1, 1, zero_weights)
    positive = int((table["w"] != 0).sum())
    assert check_against_reference(table, np.arange(n), np.zeros(n), positive - 1.0, n - 1.0,
                                   weights="w") > 0


def test_no_design_matches_the_reference():
    table = survey_table(7, 200, 1, 1)
    n = len(table)
    assert check_against_reference(table, np.arange(n), np.zeros(n), n - 1.0) > 0


def test_row_classes_against_the_definitions():
    """code_rows: the class of each z-score between WHO's cut-offs, flags and oedema applied
    (WHO's -3.1 for WA, BMI, WH), and the combined class, against a plain loop."""
    rng = np.random.default_rng(2)
    n = 5000
    z = [np.round(rng.normal(-1, 2, n), 2) for _ in range(4)]
    for zj in z:
        zj[rng.random(n) < 0.1] = np.nan
        zj[rng.random(n) < 0.05] = rng.choice([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0])  # the cut-offs
    flagged = [rng.random(n) < 0.05 for _ in range(3)] + [np.empty(0, dtype=bool)]
    oedema = (rng.random(n) < 0.05).astype(np.int8)
    low, high = np.array([-6.0, -6.0, -5.0, -5.0]), np.array([6.0, 5.0, 5.0, 5.0])
    bins = np.empty((5, n), dtype=np.int8)
    survey_module.code_rows(tuple(z), flagged, oedema, low, high, bins)

    def klass(v):
        for k, bound in enumerate((-3, -2, -1)):
            if v < bound:
                return k
        for k, bound in enumerate((1, 2, 3)):
            if v <= bound:
                return 3 + k
        return 6

    for i in range(n):
        want = []
        for j in range(4):
            v = z[j][i]
            flag = flagged[j][i] if flagged[j].size else (v < low[j] or v > high[j])
            if j > 0 and oedema[i]:
                want.append(7)
            elif math.isnan(v) or flag:
                want.append(-1)
            else:
                want.append(klass(v))
        ha, wh = want[0], want[3]
        if ha < 0 or wh < 0:
            combined = -1
        elif ha <= 1 and wh in (0, 1, 7):
            combined = 0
        elif ha <= 1 and wh in (5, 6):
            combined = 1
        else:
            combined = 2
        assert bins[:, i].tolist() == [*want, combined], i


# --- properties of the estimators ----------------------------------------------------------
def estimates(table, **kw) -> pd.DataFrame:
    return quiet(zscore.prevalence, table, **kw).set_index(
        ["group_variable", "group", "indicator", "statistic"])


@examples(10)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(10, 150))
def test_one_stratum_each_child_a_cluster_equals_no_design(seed, n):
    """The survey estimator with one stratum and each child its own cluster is the simple
    estimator: same prevalences, means, SEs and CIs (both use n/(n-1) and df = n - 1); the SD
    differs only by the finite-sample factor of its n (rows with a weight, against rows with a
    z-score)."""
    table = survey_table(seed, n, 1, 1).assign(child=np.arange(n), one=1, w=1.0)
    simple = estimates(table)
    design = estimates(table, weights="w", cluster="child", strata="one")
    sd = simple.index.get_level_values("statistic") == "SD z"
    a, b = simple[~sd], design[~sd]
    for column in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(b[column], a[column], rtol=1e-9, atol=1e-12)
    for (variable, level, indicator, _), row in simple[sd].iterrows():
        member = groups_of(table)[(variable, level)]
        k = (member & table[Z[indicator]].notna()).sum()  # rows with a z-score
        m = member.sum()  # rows with a weight
        got = design.loc[(variable, level, indicator, "SD z"), "estimate"]
        if k < 2 or m < 2:
            continue
        factor = math.sqrt((m / (m - 1)) / (k / (k - 1)))
        assert got == pytest.approx(row.estimate * factor, rel=1e-9)


@examples(10)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(1e-3, 1e4))
def test_scaling_the_weights_changes_nothing_but_the_weighted_n(seed, scale):
    table = survey_table(seed, 90, 3, 8)
    a = estimates(table, weights="w", cluster="cluster", strata="stratum")
    b = estimates(table.assign(w=table["w"] * scale), weights="w", cluster="cluster",
                  strata="stratum")
    weighted = a.index.get_level_values("statistic") == "n (weighted)"
    for column in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(b[~weighted][column], a[~weighted][column], rtol=1e-9,
                                   atol=1e-12)
    np.testing.assert_allclose(b[weighted]["estimate"], a[weighted]["estimate"] * scale,
                               rtol=1e-12)


def test_row_order_does_not_matter():
    table = survey_table(3, 150, 3, 10)
    kw = dict(weights="w", cluster="cluster", strata="stratum", by="region")
    a = estimates(table, **kw)
    b = estimates(table.sample(frac=1.0, random_state=1).reset_index(drop=True), **kw)
    for column in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(b[column], a[column], rtol=1e-9, atol=1e-12)


def test_many_strata_and_clusters_are_not_a_product_of_their_counts():
    """2,000 strata with clusters numbered across the survey (2e7 stratum x cluster keys for
    6,000 rows) give exactly the table of the same design with clusters numbered within their
    stratum (a few keys), as svydesign(nest = TRUE) says they are the same PSUs; the
    stratum x cluster keys are sorted rather than counted in a 2e7-long array."""
    rng = np.random.default_rng(5)
    n, nstrata = 6_000, 2_000
    table = survey_table(5, n, 1, 1)
    table["stratum"] = rng.integers(0, nstrata, n)
    local = rng.integers(0, 5, n)
    table["local"] = local
    table["global"] = table["stratum"] * 5 + local  # 10,000 cluster values
    kw = dict(weights="w", strata="stratum")
    a = estimates(table, cluster="local", **kw)
    tracemalloc.start()
    try:
        b = estimates(table, cluster="global", **kw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert peak < 60e6  # an array over the 2e7 keys alone would be 160 MB


def test_large_table_uses_every_thread_and_agrees_with_a_small_one():
    """Enough rows for several work items: the parallel sums equal the sums of two halves
    computed as separate tables and pooled by hand."""
    table = survey_table(11, 120_000, 4, 400)
    got = estimates(table, weights="w")
    pop = got.xs(("All", "All", "HA", "n (weighted)"))["estimate"]
    has = table["zlen"].notna()
    assert pop == pytest.approx(table.loc[has, "w"].sum(), rel=1e-12)
    mean = got.xs(("All", "All", "HA", "mean z"))["estimate"]
    w = table.loc[has, "w"]
    assert mean == pytest.approx((w * table.loc[has, "zlen"]).sum() / w.sum(), rel=1e-12)
    # the clustered design, cut into work items at stratum boundaries, against PSU totals
    # computed here with bincount
    got = estimates(table, weights="w", cluster="cluster", strata="stratum")
    z = table["zlen"].to_numpy()
    w = table["w"].to_numpy()
    d = ~np.isnan(z)
    y = (z < -2).astype(float)
    r = (w[d] * y[d]).sum() / w[d].sum()
    t = np.where(d, w * (y - r) / w[d].sum(), 0.0)
    stratum = table["stratum"].to_numpy()
    psu = stratum * 1000 + table["cluster"].to_numpy()
    totals = np.bincount(psu, weights=t)
    present = np.bincount(psu) > 0
    psu_stratum = np.flatnonzero(present) // 1000
    totals = totals[present]
    nh = np.bincount(psu_stratum)
    centred = totals - (np.bincount(psu_stratum, weights=totals) / nh)[psu_stratum]
    var = (nh / (nh - 1) * np.bincount(psu_stratum, weights=centred**2)).sum()
    row = got.xs(("All", "All", "HA", "% z < -2"))
    assert row["estimate"] == pytest.approx(100 * r, rel=1e-12)
    assert row["se"] == pytest.approx(100 * math.sqrt(var), rel=1e-9)


# --- WHO's rules for the rows and the values ------------------------------------------------
def kids(n=6, **columns) -> dict:
    base = {"sex": ([1, 2] * n)[:n], "age": [400.0] * n, "weight": [9.0] * n,
            "lenhei": [75.0] * n, "measure": ["l"] * n, "oedema": ["n"] * n}
    base.update(columns)
    return base


def who(data, **kw) -> pd.DataFrame:
    return quiet(zscore.prevalence, data, layout="who", **kw).set_index("Group")


def test_oedema_counts_as_severe_in_weight_indicators_but_not_in_their_mean():
    """WHO: z = -3.1 for the prevalences and the n of WA, WH, BMI; no z for mean and SD."""
    t = who(kids(oedema=["y", "n", "n", "n", "n", "n"]))
    for p in ("WA", "WH", "BMI"):
        assert t.loc["All", f"{p}Z_unwpop"] == 6
        assert t.loc["All", f"{p}_3_r"] == pytest.approx(100 / 6)
    assert t.loc["All", "HAZ_unwpop"] == 6 and t.loc["All", "HA_3_r"] == 0
    alone = who({k: v[1:] for k, v in kids().items()})  # the five children without oedema
    assert t.loc["All", "WA_r"] == pytest.approx(alone.loc["All", "WA_r"])
    assert t.loc["All", "WA_stdev"] == pytest.approx(alone.loc["All", "WA_stdev"])


def test_oedema_codes_that_who_rejects_are_accepted():
    a = who(kids(oedema=["Y", "1", "n", "2", "N", None]))
    b = who(kids(oedema=["y", "y", "n", "n", "n", "n"]))
    pd.testing.assert_frame_equal(a, b)


def test_oedema_child_without_weight_still_counts():
    t = who(kids(oedema=["y", "n", "n", "n", "n", "n"],
                 weight=[np.nan, 9.0, 9.0, 9.0, 9.0, 9.0]))
    assert t.loc["All", "WAZ_unwpop"] == 6 and t.loc["All", "WA_3_r"] == pytest.approx(100 / 6)


def test_flagged_z_scores_are_left_out():
    table = pd.DataFrame({"csex": [1.0, 2.0, 1.0], "age": [100.0, 200, 300],
                          "zlen": [-1.0, -2.5, -6.5], "flen": [0, 0, 1]})
    t = who(table)
    assert t.loc["All", "HAZ_unwpop"] == 2 and t.loc["All", "HA_2_r"] == 50
    # without the flag column, WHO's thresholds flag the same z-score
    t = who(table.drop(columns="flen"))
    assert t.loc["All", "HAZ_unwpop"] == 2


def test_cut_offs_are_strict():
    table = pd.DataFrame({"csex": [1.0] * 4, "age": [100.0] * 4,
                          "zlen": [-2.0, -2.01, 2.0, 2.01]})
    t = who(table)
    assert t.loc["All", "HA_2_r"] == 25 and t.loc["All", "HA2_r"] == 25


def test_children_past_1826_days_are_left_out_with_a_warning():
    data = kids(age=[400.0, 1826.4, 1826.5, 1900.0, np.nan, 500.0])
    with pytest.warns(UserWarning, match="2 rows older than 1826 days"):
        t = zscore.prevalence(data, layout="who", standard="2006").set_index("Group")
    # kept: a missing age (weight-for-length from the measure) and 1826.4 days (no z-scores)
    assert t.loc["All", "WHZ_unwpop"] == 3
    assert t.loc["All", "HAZ_unwpop"] == 2


def test_age_groups_use_the_unrounded_age():
    """182.6 days is 5.999 months: 00-05 mo, although it rounds to day 183 (6.01 months)."""
    t = who(kids(n=2, age=[182.6, 182.7]))
    assert t.loc["Age group: 00-05 mo", "HAZ_unwpop"] == 1
    assert t.loc["Age group: 06-11 mo", "HAZ_unwpop"] == 1


def test_empty_groups_have_a_row_with_n_zero_and_no_estimates():
    t = who(kids())  # every child is 400 days old
    row = t.loc["Age group: 00-05 mo"]
    assert row["HAZ_pop"] == 0 and row["HAZ_unwpop"] == 0
    assert row.drop(["HAZ_pop", "HAZ_unwpop", "WAZ_pop", "WAZ_unwpop", "BMIZ_pop",
                     "BMIZ_unwpop", "WHZ_pop", "WHZ_unwpop", "HA_2_WH_2_pop",
                     "HA_2_WH_2_unwpop"]).isna().all()
    assert len(t) == 1 + 6 + 2 + 12


def test_no_row_left_gives_the_all_row_with_n_zero():
    """WHO stops when every row is excluded; zscore gives the table with nothing in it."""
    t = who(kids(age=[3000.0] * 6), standard="2006")
    assert list(t.index) == ["All"]  # every grouping is empty, so left out
    assert t.loc["All", "HAZ_unwpop"] == 0 and math.isnan(t.loc["All", "HA_2_r"])


def test_a_group_of_one_has_no_sd():
    t = who(kids(n=2, age=[100.0, 400.0], lenhei=[60.0, 75.0], weight=[6.0, 9.0]))
    assert math.isnan(t.loc["Age group: 00-05 mo", "HA_stdev"])
    assert t.loc["Age group: 00-05 mo", "HAZ_unwpop"] == 1


def test_groupings_without_values_are_left_out():
    t = who(kids(age=[np.nan] * 6))
    assert not any(g.startswith("Age") for g in t.index)
    t = who(kids(region=[None] * 6), by="region")
    assert not any(g.startswith("region") for g in t.index)


# --- groups and labels ---------------------------------------------------------------------------
def test_who_grouping_names_get_whos_labels_and_others_their_own():
    data = kids(typeres=["Urban", "Rural"] * 3, gregion=["B", "A", "B", "A", "C", "C"],
                mothered=["None"] * 6, othergr=["x"] * 6, village=["v1", "v2"] * 3)
    t = who(data, by=["typeres", "gregion", "mothered", "othergr", "village"])
    for label in ("Area: Urban", "Geographical region: A", "Maternal education: None",
                  "Other grouping: x", "village: v2"):
        assert label in t.index


def test_free_text_levels_sorted_with_a_design_first_seen_without():
    data = kids(gregion=["B", "A", None, "C", "A", "B"], w=[1.0] * 6, psu=[1, 2, 3] * 2)
    simple = who(data, by="gregion")
    assert [g for g in simple.index if g.startswith("Geo")] == [
        "Geographical region: B", "Geographical region: A", "Geographical region: NA",
        "Geographical region: C"]
    # as in WHO's code (R's grouping == NA selects nothing), the NA group is empty
    assert simple.loc["Geographical region: NA", "HAZ_unwpop"] == 0
    assert math.isnan(simple.loc["Geographical region: NA", "HA_r"])
    assert simple.loc["Geographical region: B", "HAZ_unwpop"] == 2
    design = who(data, by="gregion", cluster="psu").index
    assert [g for g in design if g.startswith("Geo")] == [
        "Geographical region: A", "Geographical region: B", "Geographical region: C"]


def test_numeric_levels_are_written_as_r_writes_them_and_sorted_as_numbers():
    data = kids(typeres=[10.0, 2.0, 2.0, np.nan, 10.0, 1.5], psu=[1, 2, 3] * 2)
    t = who(data, by="typeres", cluster="psu")
    assert [g for g in t.index if g.startswith("Area")] == ["Area: 1.5", "Area: 2", "Area: 10"]


def test_wealth_quintiles_are_recoded_as_who_does():
    data = kids(wealthq=[1, "Q2", "5", "Q5", "7", None])
    with pytest.warns(UserWarning, match="wealthq: 1 value"):
        t = zscore.prevalence(data, by="wealthq", layout="who").set_index("Group")
    assert [g for g in t.index if g.startswith("Wealth")] == [
        "Wealth quintile: Q1: Poorest", "Wealth quintile: Q2", "Wealth quintile: Q3",
        "Wealth quintile: Q4", "Wealth quintile: Q5: Richest"]
    assert t.loc["Wealth quintile: Q5: Richest", "HAZ_unwpop"] == 2
    assert t.loc["Wealth quintile: Q3", "HAZ_unwpop"] == 0


def test_who_layout_columns_are_whos():
    t = zscore.prevalence(kids(), layout="who")
    assert t.shape[1] == 135
    assert list(t.columns[:8]) == ["Group", "HAZ_pop", "HAZ_unwpop", "HA_3_r", "HA_3_se",
                                   "HA_3_ll", "HA_3_ul", "HA_2_r"]
    assert list(t.columns[-10:]) == [
        "HA_2_WH_2_pop", "HA_2_WH_2_unwpop", "HA_2_WH_2_r", "HA_2_WH_2_se", "HA_2_WH_2_ll",
        "HA_2_WH_2_ul", "HA_2_WH2_r", "HA_2_WH2_se", "HA_2_WH2_ll", "HA_2_WH2_ul"]


def test_tidy_layout_columns():
    t = zscore.prevalence(kids())
    assert list(t.columns) == ["group_variable", "group", "indicator", "statistic", "estimate",
                               "se", "ci_lower", "ci_upper", "who_column"]
    assert len(t) == 21 * (4 * 10 + 4)
    assert t.attrs["method"] == "simple"


def test_classified_table_and_raw_measurements_give_the_same_table():
    data = pd.DataFrame(kids(n=8, age=[100.0, 300, 500, 700, 900, 1100, 1300, 1500],
                             lenhei=[55.0, 62, 70, 75, 80, 84, 88, 93]))
    a = zscore.prevalence(data)
    b = zscore.prevalence(zscore.classify(data))
    pd.testing.assert_frame_equal(a, b)


def test_classified_rows_of_the_other_standard_are_not_counted():
    """classify's default scores 1826.3 days (60.002 months) with the 2007 reference; WHO's
    0-5 year table keeps the row (it rounds to day 1826) without z-scores."""
    data = pd.DataFrame(kids(n=2, age=[400.0, 1826.3]))
    scored = zscore.classify(data)
    assert scored["standard"].tolist() == ["2006", "2007"]
    t = who(scored, standard="2006")
    assert t.loc["All", "HAZ_unwpop"] == 1


# --- design: weights, clusters, strata ----------------------------------------------------------
def test_missing_weights_become_zero_with_a_warning():
    data = kids(w=[1.0, 2.0, np.nan, 1.0, 1.0, 1.0])
    with pytest.warns(UserWarning, match="1 row with a missing sampling weight"):
        t = zscore.prevalence(data, weights="w", layout="who").set_index("Group")
    assert t.loc["All", "HAZ_unwpop"] == 6 and t.loc["All", "HAZ_pop"] == 6
    assert t.attrs["method"] == "hybrid"


def test_negative_or_non_numeric_weights_are_an_input_error():
    for bad in ([1.0, -1.0, 1, 1, 1, 1], [1, "heavy", 1, 1, 1, 1], [1, np.inf, 1, 1, 1, 1]):
        with pytest.raises(InputError, match="sampling weights must be >= 0"):
            zscore.prevalence(kids(w=bad), weights="w")


def test_weights_all_one_is_the_simple_method():
    t = zscore.prevalence(kids(w=[1.0] * 6), weights="w")
    assert t.attrs["method"] == "simple"


def test_rows_without_cluster_or_stratum_are_left_out_with_a_warning():
    data = kids(psu=[1, 2, None, 1, 2, 3], s=[1, 1, 1, None, 1, 1])
    with pytest.warns(UserWarning) as seen:
        t = zscore.prevalence(data, cluster="psu", strata="s", layout="who")
    text = " ".join(str(w.message) for w in seen)
    assert "1 row with a missing cluster" in text and "1 row with a missing strata" in text
    assert t.set_index("Group").loc["All", "HAZ_unwpop"] == 4


def test_a_stratum_with_one_psu_is_adjusted_and_announced():
    """survey.lonely.psu = "adjust": the lonely PSU's score sum enters uncentred."""
    table = survey_table(5, 60, 3, 6)
    table.loc[table["stratum"] == 2, "cluster"] = 99  # stratum 2: one PSU
    with pytest.warns(UserWarning, match="1 stratum with a single PSU"):
        t = zscore.prevalence(table, weights="w", cluster="cluster", strata="stratum")
    assert t.attrs["lonely_strata"] == 1
    stratum = table["stratum"].to_numpy()
    psu = stratum * 1000 + table["cluster"].to_numpy()
    z = table["zlen"].to_numpy()
    y = np.where(np.isnan(z), np.nan, (z < -2).astype(float))
    _, se = reference(table, y, np.ones(len(table), dtype=bool), table["w"].to_numpy(), psu,
                      stratum)
    row = t[(t.group == "All") & (t.indicator == "HA") & (t.statistic == "% z < -2")]
    assert row["se"].iloc[0] == pytest.approx(100 * se, rel=1e-9)


def test_design_degrees_of_freedom_are_psus_minus_strata():
    table = survey_table(9, 80, 2, 5)
    t = quiet(zscore.prevalence, table, weights="w", cluster="cluster", strata="stratum")
    psu = table["stratum"] * 1000 + table["cluster"]
    assert t.attrs["df"] == psu.nunique() - table["stratum"].nunique()


def test_many_strata_without_clusters_take_the_clustered_pass(monkeypatch):
    """Designs whose rows are their PSUs, with too many strata x groups for per-stratum sums,
    go through the clustered pass with one PSU per row: the same numbers."""
    table = survey_table(8, 150, 5, 1)
    kw = dict(weights="w", strata="stratum", by="region")
    closed_form = estimates(table, **kw)
    monkeypatch.setattr(survey_module, "MAX_STRATUM_SUMS", 0)
    clustered = estimates(table, **kw)
    for column in ("estimate", "se", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(clustered[column], closed_form[column], rtol=1e-9,
                                   atol=1e-12)


def test_one_distinct_cluster_means_each_child_is_a_psu():
    table = survey_table(4, 40, 2, 1)
    a = estimates(table, weights="w", cluster="cluster", strata="stratum")
    b = estimates(table, weights="w", strata="stratum")
    pd.testing.assert_frame_equal(a, b)


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("kw, message", [
    (dict(weights="nope"), "weights='nope' \\(--weights nope\\): no such column"),
    (dict(cluster="nope"), "cluster='nope' \\(--cluster nope\\): no such column"),
    (dict(by=["nope"]), "by='nope' \\(--by nope\\): no such column"),
    (dict(age="nope"), "age='nope' \\(--age nope\\): no such column"),
    (dict(layout="wide"), "layout='wide'"),
    (dict(standard="1977"), "standard='1977'"),
    (dict(precision="exact"), "precision='exact'"),
    (dict(age_unit="years"), "age_unit='years'"),
    (dict(by=["sex", "sex"]), "twice"),
    (dict(by=[1]), "column name"),
    (dict(weights=[1.0, 2.0]), "2 values for a table of 6 rows"),
    (dict(weights=3.0), "give a column name or an array"),
])
def test_structural_problems_are_one_input_error(kw, message):
    with pytest.raises(InputError, match=message):
        zscore.prevalence(kids(), **kw)


def test_a_by_column_with_too_many_levels_is_an_input_error(monkeypatch):
    monkeypatch.setattr(prev_module, "MAX_LEVELS", 5)
    with pytest.raises(InputError, match="by='child': 6 distinct values"):
        zscore.prevalence(kids(child=list("abcdef")), by="child")
    assert len(zscore.prevalence(kids(village=list("aabbcc")), by="village")) > 0


def test_no_table_or_no_sex_is_an_input_error():
    with pytest.raises(InputError, match="needs a table"):
        zscore.prevalence(None)
    with pytest.raises(InputError, match="sex is required"):
        zscore.prevalence({"age": [1.0], "weight": [9.0]})


def test_without_pandas_the_error_says_how_to_install_it(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *args, **kw):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("no pandas")
        return real(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r'pip install "zscore-who\[pandas\]"'):
        zscore.prevalence(kids())


def test_bad_rows_never_stop_the_table():
    data = kids(age=[-5.0, "old", 400.0, 400.0, 400.0, 400.0],
                weight=[9.0, 0.0, -1.0, "heavy", 9.0, 9.0], sex=[1, 2, 3, "x", None, 1])
    t = who(data)
    assert t.loc["All", "WAZ_unwpop"] == 1  # the one child with a valid age, weight and sex
    assert t.loc["All", "WHZ_unwpop"] == 2  # weight-for-length needs no age


# --- 5-19 years (anthroplus_prevalence) -----------------------------------------------------------
def teens(n=300, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.uniform(55, 235, n)  # some outside 60-228 months
    return pd.DataFrame({"sex": rng.integers(1, 3, n), "age": age,
                         "weight": np.round(rng.uniform(15, 70, n), 1),
                         "lenhei": np.round(100 + (age - 60) * 0.45 + rng.normal(0, 6, n), 1),
                         "oedema": np.where(rng.random(n) < 0.03, "y", "n"),
                         "w": rng.uniform(1, 3, n), "psu": rng.integers(0, 15, n)})


def test_2007_table_has_whos_rows_columns_and_labels():
    t = quiet(zscore.prevalence, teens(), age_unit="months", layout="who", standard="2007")
    assert t.attrs["standard"] == "2007"
    assert t.shape == (27, 96)
    assert list(t.columns[:5]) == ["Group", "Years", "Months", "HAZ_pop", "HAZ_unwpop"]
    assert not any(c.startswith("WH") for c in t.columns)
    assert list(t["Group"][:5]) == ["All", "Sex: Female", "Sex: Male",
                                    "Age Group 1: 60-71 mo", "Age Group 1: 72-83 mo"]
    assert list(t["Group"][17:21]) == ["Age Group 1: 228-228 mo", "Age Group 2: 60-119 mo",
                                       "Age Group 2: 120-179 mo", "Age Group 2: 180-228 mo"]
    assert list(t["Group"][21:]) == [
        "Age + Sex: Female.60-119 mo", "Age + Sex: Male.60-119 mo",
        "Age + Sex: Female.120-179 mo", "Age + Sex: Male.120-179 mo",
        "Age + Sex: Female.180-228 mo", "Age + Sex: Male.180-228 mo"]
    assert list(t["Years"][:5]) == ["Total (5-19)"] * 3 + ["5", "6"]
    assert list(t["Months"][17:19]) == ["(228-228)", "(60-119)"]
    wa = [c for c in t.columns if c.startswith("WA")]
    assert t.loc[:2, wa].isna().all().all()  # weight-for-age: 5-10 years only
    assert t.loc[3, "WAZ_unwpop"] > 0 and t.loc[10, "WAZ_unwpop"] == 0


def test_2007_rows_outside_60_to_228_months_are_left_out_with_a_warning():
    data = teens()
    outside = ((data["age"] < 60) | (data["age"] > 228)).sum()
    with pytest.warns(UserWarning, match=f"{outside} rows with a missing age or an age outside"):
        t = zscore.prevalence(data, age_unit="months", layout="who", standard="2007")
    assert t.set_index("Group").loc["All", "HAZ_unwpop"] <= len(data) - outside


def test_2007_equals_the_generic_estimator_on_the_2007_z_scores():
    """The 5-19 year table is the same estimator on anthroplus's z-scores, with WHO's oedema
    rule for weight-for-age (to 120 months) and BMI-for-age."""
    data = teens()
    data = data[(data["age"] >= 60) & (data["age"] <= 228)].reset_index(drop=True)
    kw = dict(weights="w", cluster="psu")
    got = estimates(data, age_unit="months", standard="2007", **kw)
    scored = zscore.classify(data, age_unit="months", standard="2007")
    oedema = (data["oedema"] == "y").to_numpy()
    w = data["w"].to_numpy()
    psu = data["psu"].to_numpy()
    zero = np.zeros(len(data))
    for prefix, column in (("HA", "zlen"), ("WA", "zwei"), ("BMI", "zbmi")):
        z = np.array(scored[column], dtype=float)
        z[np.array(scored["f" + column[1:]], dtype=float) == 1] = np.nan
        aux = z.copy()
        if prefix != "HA":
            z[oedema] = np.nan
            counts = oedema if prefix == "BMI" else oedema & (data["age"] <= 120).to_numpy()
            aux[counts] = -3.1
        for (variable, level), member in {
                ("Age Group 2", "60-119 mo"): (data["age"] < 120).to_numpy(),
                ("Sex", "Female"): (data["sex"] == 2).to_numpy()}.items():
            if prefix == "WA" and variable == "Sex":
                assert math.isnan(got.loc[(variable, level, prefix, "% z < -2"), "estimate"])
                continue
            y = np.where(np.isnan(aux), np.nan, (aux < -2).astype(float))
            r, se = reference(data, y, member, w, psu, zero)
            row = got.loc[(variable, level, prefix, "% z < -2")]
            assert row.estimate == pytest.approx(100 * r, rel=1e-9)
            assert row.se == pytest.approx(100 * se, rel=1e-7)
            r, se = reference(data, z, member, w, psu, zero)
            assert got.loc[(variable, level, prefix, "mean z"), "estimate"] == pytest.approx(r)


def test_auto_picks_2006_when_any_child_is_under_five_and_says_what_was_left_out():
    data = kids(age=[400.0, 500, 2000, 3000, 4000, 5000], sex=[1] * 6,
                lenhei=[75.0, 78, 112, 130, 143, 162], weight=[9.5, 10, 19, 27, 34, 48])
    with pytest.warns(UserWarning, match="4 rows older than 1826 days.*standard='2007'"):
        t = zscore.prevalence(data, layout="who")
    assert t.attrs["standard"] == "2006"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = zscore.prevalence(data, layout="who", standard="2007")
    assert t.attrs["standard"] == "2007"
    assert t.set_index("Group").loc["All", "HAZ_unwpop"] == 4


def test_import_zscore_does_not_load_scipy_stats():
    """scipy.stats/special cost about 0.5 s to import: loaded only when a prevalence is computed
    (issue 2's start-up target: import plus a first call within 1 s)."""
    import subprocess
    import sys
    code = ("import sys, zscore; "
            "print(any(m.startswith(('scipy.stats', 'scipy.special')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_review_fixes_empty_design_wrong_unit_and_infinite_age():
    """An empty table with a design is an empty table (not a crash); classify output read with
    another age unit than it was classified with says so; an infinite age is too old."""
    import warnings

    rng = np.random.default_rng(8)
    n = 300
    df = pd.DataFrame({"sex": rng.integers(1, 3, n), "age": rng.uniform(60, 200, n),
                       "weight": rng.uniform(18, 60, n), "height": rng.uniform(105, 170, n),
                       "psu": rng.integers(0, 20, n), "stratum": rng.integers(0, 4, n)})
    for kw in (dict(cluster="psu"), dict(strata="stratum"), dict(cluster="psu", strata="stratum")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            empty = zscore.prevalence(df.iloc[:0], age_unit="months", lenhei="height", **kw)
        assert (empty[empty.statistic == "n (unweighted)"].estimate.fillna(0) == 0).all()
    scored = zscore.classify(df, age_unit="months", lenhei="height")
    with pytest.warns(UserWarning, match="different standard from the one their age gives"):
        zscore.prevalence(scored)  # classified in months, read as days
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zscore.prevalence(scored, age_unit="months")  # consistent: no warning
    young = df.assign(age=rng.uniform(0, 1800, n), height=rng.uniform(50, 110, n),
                      weight=rng.uniform(3, 20, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = zscore.prevalence(young.assign(age=young.age.where(young.index > 0, np.inf)),
                              lenhei="height")
        b = zscore.prevalence(young.assign(age=young.age.where(young.index > 0, 1e9)),
                              lenhei="height")
    np.testing.assert_array_equal(a.estimate.to_numpy(), b.estimate.to_numpy())


def test_enormous_weights_change_nothing_but_the_weighted_n():
    """Squared weights would overflow near 1e154; weights are rescaled internally."""
    rng = np.random.default_rng(9)
    n = 400
    df = pd.DataFrame({"sex": rng.integers(1, 3, n), "age": rng.uniform(0, 1800, n),
                       "weight": rng.uniform(3, 20, n), "lenhei": rng.uniform(50, 110, n),
                       "sw": rng.uniform(0.5, 2.0, n), "psu": rng.integers(0, 30, n)})
    small = zscore.prevalence(df, weights="sw", cluster="psu")
    with pytest.warns(zscore.ZScoreWarning, match="rescaled"):
        huge = zscore.prevalence(df.assign(sw=df.sw * 1e300), weights="sw", cluster="psu")
    weighted_n = (small.statistic == "n (weighted)").to_numpy()
    np.testing.assert_allclose(huge.estimate.to_numpy()[~weighted_n],
                               small.estimate.to_numpy()[~weighted_n], rtol=1e-9)
    np.testing.assert_allclose(huge.se.to_numpy(), small.se.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(huge.estimate.to_numpy()[weighted_n],
                               small.estimate.to_numpy()[weighted_n] * 1e300, rtol=1e-9)


def test_an_age_given_as_a_duration_is_read_as_classify_reads_it():
    """visit date - birth date: the same age groups and exclusions as the number of days, for
    raw measurements and for classify's output, in either age unit."""
    import warnings

    rng = np.random.default_rng(12)
    n = 500
    df = pd.DataFrame({"sex": rng.integers(1, 3, n), "age": rng.uniform(0, 1900, n).round(),
                       "weight": rng.uniform(3, 20, n), "lenhei": rng.uniform(50, 110, n)})
    as_duration = df.assign(age=pd.to_timedelta(df.age, unit="D"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = zscore.prevalence(df)
        for table in (as_duration, zscore.classify(as_duration)):
            got = zscore.prevalence(table)
            np.testing.assert_array_equal(got.estimate.to_numpy(), expected.estimate.to_numpy())
        months = zscore.prevalence(as_duration, age_unit="months")
    np.testing.assert_allclose(months.estimate.to_numpy(), expected.estimate.to_numpy(),
                               rtol=1e-12, equal_nan=True)


# --- a preset's population (DHS de facto children, MICS completed interviews) -------------------
def dhs_pr(n: int = 400, seed: int = 2) -> pd.DataFrame:
    """A DHS PR-like file: children under 5 with hv103 (slept here last night) 1 or 0."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "hc27": rng.integers(1, 3, n), "hc1": rng.integers(0, 60, n),
        "hc2": rng.integers(40, 220, n), "hc3": rng.integers(480, 1150, n),
        "hc15": rng.choice([1, 2], n), "hv005": rng.integers(500_000, 2_000_000, n),
        "hv021": rng.integers(1, 30, n), "hv022": rng.integers(1, 4, n),
        "hv103": rng.choice([0, 1], n, p=[0.15, 0.85]),
    })


def test_dhs_prevalence_counts_de_facto_children_only():
    """DHS's tables are 'if hv103==1' (DHS-Indicators-Stata, NT_CH_NUT.do): with the preset,
    prevalence is the table of those rows alone, and a note says how many were left out."""
    pr = dhs_pr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = zscore.prevalence(pr, preset="dhs")
    notes = [str(w.message) for w in caught]
    away = int((pr.hv103 != 1).sum())
    assert any(t.startswith(f"{away} rows left out: not de facto") for t in notes), notes
    want = quiet(zscore.prevalence, pr[pr.hv103 == 1].drop(columns="hv103"), preset="dhs")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_exact=True)
    assert any("hv103" in line for line in got.attrs["columns"])
    # in parts, the same
    acc = zscore.PrevalenceAccumulator(preset="dhs")
    for part in (pr.iloc[:150], pr.iloc[150:]):
        acc.add(part)
    np.testing.assert_allclose(quiet(acc.result).estimate, got.estimate, rtol=1e-12)
    # labelled text ("Yes"/"No", as a Stata file read with its labels) is read the same
    text = pr.assign(hv103=np.where(pr.hv103 == 1, "Yes", "No"))
    pd.testing.assert_frame_equal(quiet(zscore.prevalence, text, preset="dhs"), got)
    # classify scores every row
    assert len(zscore.classify(pr, preset="dhs")) == len(pr)


def test_a_mapping_population_is_checked():
    with pytest.raises(InputError, match=r"\[population\] needs column"):
        zscore.prevalence(dhs_pr(), preset={"name": "x", "population": {"keep": [1]}})
    mapping = {"name": "mine", "columns": {"sex": "hc27", "age": "hc1", "weight": "hc2",
                                           "lenhei": "hc3"},
               "units": {"age": "months", "weight": "0.1kg", "lenhei": "0.1cm"},
               "population": {"column": "HV103", "keep": 0, "why": "the absent ones"}}
    pr = dhs_pr()
    got = quiet(zscore.prevalence, pr, preset=mapping)
    n = got.query("group == 'All' and statistic == 'n (unweighted)'").estimate
    assert 0 < n.max() <= (pr.hv103 == 0).sum()
