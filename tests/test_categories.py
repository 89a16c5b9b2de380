"""Nutrition-status categories: WHO/UNICEF and Permenkes 2/2020 cut-offs, on the rounded z."""

from __future__ import annotations

import numpy as np
import pytest

import zscore
from zscore import rules, tables

CASES_WHO = {
    "stunting": [(-3.01, "severely stunted"), (-3.0, "stunted"), (-2.01, "stunted"),
                 (-2.0, "normal"), (3.5, "normal")],
    "underweight": [(-3.5, "severely underweight"), (-2.5, "underweight"), (-2.0, "normal")],
    "wasting": [(-3.01, "severely wasted"), (-2.99, "wasted"), (-2.0, "normal"), (4.0, "normal")],
    "overweight": [(1.0, "normal"), (1.01, "possible risk of overweight"), (2.0,
                   "possible risk of overweight"), (2.01, "overweight"), (3.0, "overweight"),
                   (3.01, "obese")],
}
CASES_ID = {
    "stunting": [(-3.01, "sangat pendek"), (-3.0, "pendek"), (-2.0, "normal"), (3.0, "normal"),
                 (3.01, "tinggi")],
    "underweight": [(-3.01, "berat badan sangat kurang"), (-2.5, "berat badan kurang"),
                    (1.0, "berat badan normal"), (1.01, "risiko berat badan lebih")],
    "wasting": [(-3.01, "gizi buruk"), (-3.0, "gizi kurang"), (-2.0, "gizi baik"), (1.0,
                "gizi baik"), (1.01, "berisiko gizi lebih"), (2.01, "gizi lebih"),
                (3.0, "gizi lebih"), (3.01, "obesitas")],
}


#: 5-19 years (WHO Growth Reference 2007; Permenkes 2/2020 IMT/U for 5-18 years).
CASES_WHO_2007 = {
    "stunting": [(-3.01, "severely stunted"), (-3.0, "stunted"), (-2.0, "normal")],
    "thinness": [(-3.01, "severe thinness"), (-3.0, "thinness"), (-2.01, "thinness"),
                 (-2.0, "normal"), (3.0, "normal")],
    "overweight": [(-4.0, "normal"), (1.0, "normal"), (1.01, "overweight"), (2.0, "overweight"),
                   (2.01, "obese"), (4.0, "obese")],
}
CASES_ID_2007 = {
    "stunting": [(-3.01, "sangat pendek"), (-2.01, "pendek"), (3.0, "normal"), (3.01, "tinggi")],
    "thinness": [(-3.01, "gizi buruk"), (-3.0, "gizi kurang"), (-2.0, "gizi baik"),
                 (1.0, "gizi baik"), (1.01, "gizi lebih"), (2.0, "gizi lebih"),
                 (2.01, "obesitas")],
}
#: Where the probes sit: day 400 (2006) or month 150 exactly (2007, no interpolation).
PROBE_AGE = {"2006": (400, "days", "len_2006"), "2007": (150, "months", "hfa_2007")}


def lenhei_at(z, sex=1, standard="2006"):
    """The length/height at which (plain LMS, L = 1) zlen is z at the probe age."""
    age, _, table = PROBE_AGE[standard]
    t = tables.load(table)
    _, m, s = t.lms[sex - 1, int(np.flatnonzero(t.keys == age)[0])]
    return m * (1 + s * z)


def rules_for(scheme, standard):
    """The scheme's rules that apply to rows of a standard, moved onto zlen."""
    return [rules.Category(c.column, "len", c.cuts, c.labels)
            for c in rules.CATEGORY_SCHEMES[scheme] if standard in c.standards]


def classify_z(scheme, column, z, standard="2006"):
    """The class of a z-score under a scheme's rule for `column`, through the kernel: the same
    cut-offs read from zlen (easy to aim at), z hit within 1e-9 then rounded onto it."""
    probe = [c for c in rules_for(scheme, standard) if c.column == column]
    assert len(probe) == 1
    age, unit, _ = PROBE_AGE[standard]
    out = zscore.classify(sex=[1], age=[age], age_unit=unit,
                          lenhei=[lenhei_at(z + 1e-9, standard=standard)], measure="l",
                          labels=probe, standard=standard)
    assert out["zlen"][0] == z
    return out[column][0]


@pytest.mark.parametrize("scheme, cases, standard", [
    ("who", CASES_WHO, "2006"), ("id", CASES_ID, "2006"),
    ("who", CASES_WHO_2007, "2007"), ("id", CASES_ID_2007, "2007"),
])
def test_cut_offs(scheme, cases, standard):
    for column, pairs in cases.items():
        for z, label in pairs:
            assert classify_z(scheme, column, z, standard) == label, (scheme, column, z)


def test_mixed_ages_get_each_standards_categories():
    """One call, a 3-year-old and a 12-year-old: WHO's overweight is weight-for-height > +2
    under 5 and BMI-for-age > +1 from 5; thinness and Permenkes IMT/U only from 5 years."""
    kw = dict(sex=[1, 1], age=[36, 144], age_unit="months", weight=[17.5, 56.0],
              lenhei=[95.0, 150.0], measure="h")
    who = zscore.classify(**kw)
    assert who["standard"].tolist() == ["2006", "2007"]
    assert who["zwfl"][0] > 2 and 2 < who["zbmi"][1]
    assert who["overweight"].tolist() == ["overweight", "obese"]
    assert who["wasting"][1] is None and who["underweight"][1] is None
    assert who["thinness"][0] is None and who["thinness"][1] == "normal"
    ind = zscore.classify(**kw, labels="id")
    assert ind["wasting"][0] == "gizi lebih" and ind["wasting"][1] is None
    assert ind["thinness"][0] is None and ind["thinness"][1] == "obesitas"


def test_standard_2006_or_2007_keeps_only_that_standards_columns():
    kw = dict(sex=[1], age=[144], age_unit="months", weight=[40.0], lenhei=[150.0])
    only_2007 = zscore.classify(**kw, standard="2007")
    assert "zwfl" not in only_2007 and "wasting" not in only_2007
    assert {"zlen", "zwei", "zbmi", "stunting", "thinness", "overweight"} <= set(only_2007)
    only_2006 = zscore.classify(**kw, standard="2006")
    assert "thinness" not in only_2006 and np.isnan(only_2006["zlen"][0])


def test_labels_switch_end_to_end():
    kw = dict(sex=[1, 1], age=[400, 400], weight=[6.0, 9.5], lenhei=[65.0, 77.0],
              measure=["l", "l"])
    who = zscore.classify(**kw)
    ind = zscore.classify(**kw, labels="id")
    assert who["stunting"].tolist() == ["severely stunted", "normal"]
    assert ind["stunting"].tolist() == ["sangat pendek", "normal"]
    assert "overweight" not in ind
    # the columns depend on the arguments, never on the data: no one is 5 years or older here
    assert who["thinness"].tolist() == ind["thinness"].tolist() == [None, None]
    np.testing.assert_array_equal(who["zlen"], ind["zlen"])


def test_flagged_z_gets_no_category():
    out = zscore.classify(sex=[1], age=[400], lenhei=[40.0], measure=["l"])
    assert out["flen"][0] == 1 and out["stunting"][0] is None


def test_categories_use_rounded_z():
    # find a weight whose full weight-for-age z is just below -2 but rounds to -2.00
    from zscore import tables
    l, m, s = tables.load("wei_2006").lms[0, 400]
    target = -2.004
    w = m * (1 + l * s * target) ** (1 / l)
    full = zscore.classify(sex=[1], age=[400], weight=[w], precision="full")
    who = zscore.classify(sex=[1], age=[400], weight=[w])
    assert full["zwei"][0] < -2 and who["zwei"][0] == -2.0
    assert full["underweight"][0] == "underweight" and who["underweight"][0] == "normal"


@pytest.mark.parametrize("bad, message", [
    (rules.Category("zlen", "len", ((2.0, False),), ("no", "yes")), "clashes"),
    (rules.Category("reason", "len", ((2.0, False),), ("no", "yes")), "clashes"),
    (rules.Category("tall", "height", ((2.0, False),), ("no", "yes")), "indicator"),
    (rules.Category("tall", "len", ((2.0, False),), ("yes",)), "labels"),
    (rules.Category("tall", "len", ((2.0, False), (1.0, False)), ("a", "b", "c")), "ascending"),
    (rules.Category("tall", "len", ((float("nan"), False),), ("a", "b")), "ascending"),
    (rules.Category("tall", "len", ((2.0, False),), ("no", "yes"), ("tall",)), "condition"),
    (rules.Category("tall", "len", ((2.0, False),), ("no", "yes"), (), ("2019",)), "standards"),
    (rules.Category("big", "hc", ((2.0, False),), ("no", "yes"), (), ("2007",)), "no zhc"),
])
def test_custom_rules_are_checked(bad, message):
    with pytest.raises(zscore.InputError, match=message):
        zscore.classify(sex=[1], age=[400], lenhei=[75.0], labels=[bad])


def test_two_rules_for_one_column_and_standard_are_refused():
    a = rules.Category("tall", "len", ((2.0, False),), ("no", "yes"))
    b = rules.Category("tall", "len", ((3.0, False),), ("no", "yes"), (), ("2007",))
    with pytest.raises(zscore.InputError, match="same standard"):
        zscore.classify(sex=[1], age=[400], lenhei=[75.0], labels=[a, b])


def test_custom_scheme():
    scheme = [rules.Category("tall", "len", ((2.0, False),), ("no", "yes"))]
    out = zscore.classify(sex=[1, 1], age=[400, 400], lenhei=[75.0, 86.0], measure="l",
                          labels=scheme)
    assert out["tall"].tolist() == ["no", "yes"]


@pytest.mark.parametrize("standard", ["2006", "2007"])
@pytest.mark.parametrize("precision", ["who", "full"])
def test_kernel_categories_match_the_rule_on_random_z(precision, standard):
    rng = np.random.default_rng(11)
    z_target = np.concatenate([rng.uniform(-4.5, 4.5, 20_000), np.arange(-450, 451) / 100.0])
    lengths = lenhei_at(z_target, standard=standard)
    age, unit, _ = PROBE_AGE[standard]
    for scheme in ("who", "id"):
        cats = rules_for(scheme, standard)
        out = zscore.classify(sex=np.ones(lengths.size), age=np.full(lengths.size, float(age)),
                              age_unit=unit, lenhei=lengths, measure="l", labels=cats,
                              precision=precision, standard=standard)
        z = out["zlen"]
        for c in cats:
            expected = np.zeros(z.size, dtype=int)
            for value, up in c.cuts:
                expected += (z > value) | ((z == value) & up)
            labels = np.array(c.labels, dtype=object)[expected]
            labels[out["flen"] == 1] = None
            assert (out[c.column] == labels).all(), (scheme, c.column)
