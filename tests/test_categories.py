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


def lenhei_at(z, sex=1, day=400):
    """The length at which (plain LMS, L = 1) zlen is z."""
    _, m, s = tables.load("len_2006").lms[sex - 1, day]
    return m * (1 + s * z)


def classify_z(scheme, column, z):
    """The class of a z-score under a scheme's rule for `column`, through the kernel: the same
    cut-offs read from zlen (easy to aim at), z hit within 1e-9 then rounded onto it."""
    cat = next(c for c in rules.CATEGORY_SCHEMES[scheme] if c.column == column)
    probe = rules.Category(column, "len", cat.cuts, cat.labels)
    out = zscore.classify(sex=[1], age=[400], lenhei=[lenhei_at(z + 1e-9)], measure="l",
                          labels=[probe])
    assert out["zlen"][0] == z
    return out[column][0]


@pytest.mark.parametrize("scheme, cases", [("who", CASES_WHO), ("id", CASES_ID)])
def test_cut_offs(scheme, cases):
    for column, pairs in cases.items():
        for z, label in pairs:
            assert classify_z(scheme, column, z) == label, (scheme, column, z)


def test_labels_switch_end_to_end():
    kw = dict(sex=[1, 1], age=[400, 400], weight=[6.0, 9.5], lenhei=[65.0, 77.0],
              measure=["l", "l"])
    who = zscore.classify(**kw)
    ind = zscore.classify(**kw, labels="id")
    assert who["stunting"].tolist() == ["severely stunted", "normal"]
    assert ind["stunting"].tolist() == ["sangat pendek", "normal"]
    assert "overweight" not in ind
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


def test_custom_scheme():
    scheme = [rules.Category("tall", "len", ((2.0, False),), ("no", "yes"))]
    out = zscore.classify(sex=[1, 1], age=[400, 400], lenhei=[75.0, 86.0], measure="l",
                          labels=scheme)
    assert out["tall"].tolist() == ["no", "yes"]


@pytest.mark.parametrize("precision", ["who", "full"])
def test_kernel_categories_match_the_rule_on_random_z(precision):
    rng = np.random.default_rng(11)
    z_target = np.concatenate([rng.uniform(-4.5, 4.5, 20_000), np.arange(-450, 451) / 100.0])
    lengths = lenhei_at(z_target)
    for scheme in ("who", "id"):
        cats = [rules.Category(c.column, "len", c.cuts, c.labels)
                for c in rules.CATEGORY_SCHEMES[scheme]]
        out = zscore.classify(sex=np.ones(lengths.size), age=np.full(lengths.size, 400.0),
                              lenhei=lengths, measure="l", labels=cats, precision=precision)
        z = out["zlen"]
        for c in cats:
            expected = np.zeros(z.size, dtype=int)
            for value, up in c.cuts:
                expected += (z > value) | ((z == value) & up)
            labels = np.array(c.labels, dtype=object)[expected]
            labels[out["flen"] == 1] = None
            assert (out[c.column] == labels).all(), (scheme, c.column)
