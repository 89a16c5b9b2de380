"""The one resolver: column names, aliases, units from names, codes, presets, unit checks.

Expected values are written out by hand (a column name and what it must be taken as), never
computed with the resolver's own tables.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zscore
from zscore import InputError, resolve
from zscore.inputs import gather

ROOT = Path(__file__).resolve().parents[1]


def found(columns: dict, **given) -> dict:
    """argument -> (column, unit) the resolver takes from a table with these columns."""
    res = resolve.resolve(columns, given)
    return {arg: (f.column, f.unit) for arg, f in res.found.items()}


@pytest.mark.parametrize("name, arg, unit", [
    ("sex", "sex", None), ("Sex", "sex", None), ("GENDER", "sex", None), ("JK", "sex", None),
    ("Jenis Kelamin", "sex", None), ("jenis_kelamin", "sex", None),
    ("age", "age", "days"), ("Age ", "age", "days"), ("umur", "age", "days"),
    ("age_days", "age", "days"), ("age_months", "age", "months"), ("Umur (Bulan)", "age", "months"),
    ("usia (bln)", "age", "months"), ("age in months", "age", "months"),
    ("Age (years)", "age", "years"), ("umur_hari", "age", "days"),
    ("weight", "weight", "kg"), ("Weight_kg", "weight", "kg"), ("BB", "weight", "kg"),
    ("Berat Badan (kg)", "weight", "kg"), ("berat (gram)", "weight", "g"),
    ("weight_lbs", "weight", "lb"),
    ("lenhei", "lenhei", "cm"), ("height", "lenhei", "cm"), ("Height_cm", "lenhei", "cm"),
    ("TB", "lenhei", "cm"), ("Tinggi Badan (cm)", "lenhei", "cm"),
    ("panjang badan", "lenhei", "cm"),
    ("height (m)", "lenhei", "m"), ("length_mm", "lenhei", "mm"),
    ("Cara Ukur", "measure", None), ("position", "measure", None),
    ("edema", "oedema", None), ("LILA (cm)", "armc", "cm"), ("MUAC", "armc", "cm"),
    ("Lingkar Kepala", "headc", "cm"),
])
def test_a_column_name_means_its_argument_and_unit(name, arg, unit):
    table = {"sex": [1], name: [1.0]} if arg != "sex" else {name: [1]}
    result = found(table)
    assert result[arg] == (name, unit)


@pytest.mark.parametrize("name", ["berat lahir (kg)", "panjang lahir", "id", "weight_for_age",
                                  "nama", "age group", "bmi", "sexy", "tanggal"])
def test_names_that_mean_nothing_are_left_alone(name):
    assert set(found({"sex": [1], name: [1.0]})) == {"sex"}


def test_dates_are_found_by_their_indonesian_names():
    table = {"JK": ["L"], "Tanggal Lahir": ["2023-01-15"], "Tanggal Penimbangan": ["2024-03-05"],
             "BB": [9.0]}
    res = resolve.resolve(table, {})
    assert res.age_from_dates
    assert res.found["birth_date"].column == "Tanggal Lahir"
    assert res.found["visit_date"].column == "Tanggal Penimbangan"


def test_two_candidates_for_one_argument_name_both():
    with pytest.raises(InputError) as err:
        zscore.classify({"sex": [1], "usia": [100], "umur": [3], "weight": [5.0]})
    message = str(err.value)
    assert "'usia' and 'umur'" in message and "--age COLUMN" in message
    # naming one settles it
    out = zscore.classify({"sex": [1], "usia": [100], "umur": [3], "weight": [5.0]},
                          age="usia")
    assert out["zwei"][0] == zscore.child(sex=1, age=100, weight=5.0).zwei


def test_whos_own_name_wins_over_an_alias():
    # a WHO-named table with an extra 'height' or 'umur' column works as it always did
    out = zscore.classify({"sex": [1], "age": [400], "umur": [13], "weight": [9.0],
                           "lenhei": [75.0], "height": [1.0]})
    expected = zscore.child(sex=1, age=400, weight=9.0, lenhei=75.0)
    assert out["zlen"][0] == expected.zlen and out["zwei"][0] == expected.zwei


def test_dates_do_not_replace_an_age_in_whos_name_or_with_its_unit():
    table = {"sex": [1, 2], "age": [400.5, 700.0], "weight": [9.0, 10.0],
             "dob": ["2020-01-01"] * 2, "interview date": ["2021-06-01"] * 2}
    expected = [zscore.child(sex=1, age=400.5, weight=9.0).zwei,
                zscore.child(sex=2, age=700.0, weight=10.0).zwei]
    assert zscore.classify(table)["zwei"].tolist() == expected
    umur = {k if k != "age" else "umur": v for k, v in table.items()}
    assert zscore.classify(umur, age_unit="days")["zwei"].tolist() == expected
    # an alias's age gives way to the dates (e-PPGBM's Umur is in completed months)
    dates = zscore.classify(umur)["zwei"].tolist()
    assert dates == [zscore.child(sex=1, age=517, weight=9.0).zwei,
                     zscore.child(sex=2, age=517, weight=10.0).zwei]


def test_height_in_cm_is_a_name_with_one_unit():
    assert found({"sex": [1], "Height in cm": [75.0]})["lenhei"] == ("Height in cm", "cm")
    assert found({"sex": [1], "Tinggi Badan (PB/TB)": [75.0]})["lenhei"] == (
        "Tinggi Badan (PB/TB)", "cm")


def test_a_preset_or_a_names_unit_is_checked_too():
    register = {"JK": ["L", "P"] * 10, "Umur": [12] * 20, "BB": [9100.0] * 20, "TB": [75.0] * 20}
    with pytest.raises(InputError, match="look like grams"):
        zscore.classify(register, preset="eppgbm")
    with pytest.raises(InputError, match="look like inches"):
        zscore.classify({"sex": [1] * 10, "age": [400] * 10, "height_cm": [29.5] * 10})


def test_a_missing_required_column_lists_the_columns_and_the_nearest():
    with pytest.raises(InputError) as err:
        zscore.classify({"kelamin_anak": [1], "umur": [100], "bb": [5.0]})
    message = str(err.value)
    assert "sex is required" in message and "'kelamin_anak'" in message
    assert "nearest: 'kelamin_anak'" in message


def test_a_named_column_is_found_ignoring_case_and_spacing():
    table = {"JK": ["P"], "Umur ": [300], "Berat": [7.2]}
    out = zscore.classify(table, sex="jk", age="umur", weight="BERAT")
    assert out["zwei"][0] == zscore.child(sex=2, age=300, weight=7.2).zwei
    with pytest.raises(InputError, match=r"age='umr' \(--age umr\): no such column.*"
                                         r"nearest: 'Umur '"):
        zscore.classify(table, age="umr")


def test_a_unit_in_the_name_converts_the_values():
    out = zscore.classify({"sex": [1, 2], "age_months": [12.0, 30.0], "berat (g)": [9500, 12000],
                           "tinggi badan (mm)": [750, 885]})
    expected = zscore.classify(sex=[1, 2], age=[12.0, 30.0], age_unit="months",
                               weight=[9.5, 12.0], lenhei=[75.0, 88.5])
    np.testing.assert_array_equal(out["zlen"], expected["zlen"])
    np.testing.assert_array_equal(out["zwfl"], expected["zwfl"])


def test_units_argument_converts_and_wins_over_the_name():
    table = {"sex": [1], "age": [365], "weight": [22.0], "height_cm": [29.5]}
    out = zscore.classify(table, units={"weight": "lb", "lenhei": "in"})
    expected = zscore.child(sex=1, age=365, weight=22.0 * 0.45359237, lenhei=29.5 * 2.54)
    assert out["zwei"][0] == expected.zwei and out["zlen"][0] == expected.zlen
    with pytest.raises(InputError, match="choose one of"):
        zscore.classify(table, units={"weight": "stone"})


def test_tenths_convert_to_the_decimal_as_read():
    out = zscore.classify({"sex": [1], "age": [400], "w": [95], "h": [852]}, weight="w",
                          lenhei="h", units={"weight": "0.1kg", "lenhei": "0.1cm"})
    assert out["clenhei"][0] == 85.2  # the same double as reading "85.2"
    assert out["zwei"][0] == zscore.child(sex=1, age=400, weight=9.5).zwei


def rows(n=60, seed=3):
    """Children near WHO's medians (the tables only make plausible inputs here)."""
    from zscore import tables

    rng = np.random.default_rng(seed)
    age = rng.integers(30, 1800, n)
    sex = rng.integers(1, 3, n)
    length = tables.load("len_2006").lms[sex - 1, age, 1]
    weight = tables.load("wei_2006").lms[sex - 1, age, 1]
    lenhei = np.round(length * (1 + rng.normal(0, 0.04, n)), 1)
    weight = np.round(weight * (1 + rng.normal(0, 0.1, n)), 1)
    return {"sex": sex, "age": age, "weight": weight, "lenhei": lenhei}


@pytest.mark.parametrize("column, factor, looks", [
    ("lenhei", 0.01, "metres"), ("lenhei", 10, "millimetres"), ("weight", 1000, "grams"),
    ("weight", 10, "tenths of a kilogram"),
])
def test_a_unit_nobody_stated_that_looks_wrong_is_one_error(column, factor, looks):
    table = rows()
    table[column] = table[column] * factor
    with pytest.raises(InputError, match=rf"look like {looks}.*--units {column}="):
        zscore.classify(table)
    # stated, it is taken as stated
    unit = {("lenhei", 0.01): "m", ("lenhei", 10): "mm", ("weight", 1000): "g",
            ("weight", 10): "0.1kg"}[(column, factor)]
    out = zscore.classify(table, units={column: unit})
    expected = zscore.classify(rows())
    np.testing.assert_allclose(out["zlen"], expected["zlen"], atol=0.011)


def test_ages_in_months_read_as_days_are_one_error():
    table = rows()
    table["age"] = np.round(table["age"] / 30.4375, 1)
    with pytest.raises(InputError, match=r"look like months, not days.*--age-unit months"):
        zscore.classify(table)
    zscore.classify(table, age_unit="months")  # stated: no question
    zscore.classify(table, age_unit="days")


def test_young_infants_in_days_are_not_mistaken_for_months():
    table = rows()
    rng = np.random.default_rng(5)
    table["age"] = rng.integers(0, 200, 60)
    table["lenhei"] = np.round(50 + table["age"] * 0.1 + rng.normal(0, 2, 60), 1)
    table["weight"] = np.round(3.3 + table["age"] * 0.025 + rng.normal(0, 0.4, 60), 1)
    zscore.classify(table)


def test_arrays_are_taken_as_given():
    # no table, no names: the caller's values are not second-guessed
    out = zscore.classify(sex=[1] * 6, age=[400] * 6, lenhei=[0.8] * 6)
    assert out["reason"][0] is None or "lenhei" not in out["reason"][0]


@pytest.mark.parametrize("code, sex", [("L", 1), ("P", 2), ("laki-laki", 1), ("Laki Laki", 1),
                                       ("Perempuan", 2), ("boy", 1), ("Girl", 2), ("male", 1),
                                       ("FEMALE", 2), ("1", 1), ("f", 2)])
def test_sex_codes(code, sex):
    assert zscore.child(sex=code, age=300, weight=8.0).csex == sex


@pytest.mark.parametrize("code, measure", [("Terlentang", "l"), ("telentang", "l"),
                                           ("berbaring", "l"), ("Berdiri", "h"), ("PB", "l"),
                                           ("TB", "h"), ("lying down", "l"), ("standing", "h"),
                                           ("recumbent", "l"), ("L", "l"), ("h", "h")])
def test_measure_codes(code, measure):
    assert zscore.child(sex=1, age=400, lenhei=75.0, measure=code).cmeasure == measure


@pytest.mark.parametrize("code, oedema", [("ya", True), ("Y", True), ("1", True), ("yes", True),
                                          ("tidak", False), ("n", False), ("2", False),
                                          ("0", False), ("no", False)])
def test_oedema_codes(code, oedema):
    r = zscore.child(sex=1, age=400, weight=9.0, oedema=code)
    assert (r.zwei is None) == oedema


def test_unknown_codes_give_a_reason_never_an_error():
    out = zscore.classify({"sex": ["X", "L", "?"], "age": [100, 100, 100], "weight": [5, 5, 5]})
    assert out["reason"].tolist()[0].startswith("sex_invalid")
    assert out["reason"].tolist()[1] is None


def test_value_labels_decide_what_codes_mean():
    table = {"b4": [1, 2, 9], "age": [400, 400, 400], "weight": [9.0, 9.0, 9.0],
             "pos": [7, 8, 9], "lenhei": [75.0, 75.0, 75.0]}
    labels = {"b4": {1: "Male", 2: "Female", 9: "Missing"},
              "pos": {7: "lying down", 8: "standing up", 9: "missing"}}
    out = zscore.classify(table, sex="b4", measure="pos", value_labels=labels)
    assert out["csex"].tolist()[:2] == [1.0, 2.0] and np.isnan(out["csex"][2])
    assert out["cmeasure"].tolist() == ["l", "h", None]
    assert out["reason"][2].startswith("sex_missing")  # "Missing" is missing, not invalid


def test_a_table_without_an_age_warns():
    with pytest.warns(zscore.ZScoreWarning, match="no age column"):
        zscore.classify({"sex": [1], "weight": [9.0], "lenhei": [75.0]})


def test_nothing_to_score_is_one_error():
    with pytest.raises(InputError, match="no measurement to score"):
        zscore.classify({"sex": [1], "age": [100], "name": ["x"]})


# --- presets -------------------------------------------------------------------------------------
def test_shipped_presets_are_valid_and_listed():
    assert resolve.preset_names() == ["dhs", "eppgbm", "mics"]
    for name in resolve.preset_names():
        p = resolve.load_preset(name)
        assert p.title and p.source and p.columns
        tomllib.loads(resolve.preset_text(name))


def dhs_kr():
    return pd.DataFrame({
        "caseid": ["  1 1 2", "  1 1 3", "  2 4 2", "  2 5 2", "  3 1 2"],
        "b4": [1, 2, 1, 2, 1], "hw1": [12, 30, 45, 8, 20],
        "hw2": [95, 120, 9994, 9995, 9996], "hw3": [752, 885, 9994, 655, 810],
        "hw15": [1, 2, 9, 1, 1], "v005": [1234567, 2345678, 1000000, 500000, 800000],
        "v021": [1, 1, 2, 2, 3], "v022": [1, 1, 1, 2, 2]})


def test_a_dhs_file_without_its_preset_is_refused():
    with pytest.raises(InputError, match=r"looks like a DHS.*preset='dhs'"):
        zscore.classify(dhs_kr())


def test_the_dhs_preset_reads_tenths_codes_and_special_values():
    out = zscore.classify(dhs_kr(), preset="dhs")
    expected = zscore.classify(sex=[1, 2, 1, 2, 1], age=[12, 30, 45, 8, 20], age_unit="months",
                               weight=[9.5, 12.0, np.nan, np.nan, np.nan],
                               lenhei=[75.2, 88.5, np.nan, 65.5, 81.0],
                               measure=["l", "h", None, "l", "l"])
    np.testing.assert_array_equal(out.zlen.to_numpy(dtype=float), expected["zlen"])
    np.testing.assert_array_equal(out.zwei.to_numpy(dtype=float), expected["zwei"])
    assert out.reason.tolist()[2:] == ["not_present: zlen zwei zwfl zbmi",
                                       "refused: zwei zwfl zbmi", "not_measured: zwei zwfl zbmi"]
    assert out.caseid.tolist() == dhs_kr().caseid.tolist()


def test_the_dhs_preset_gives_prevalence_its_design():
    kr = pd.concat([dhs_kr()] * 4, ignore_index=True)
    kr["v021"] = np.arange(len(kr)) % 6
    kr["v022"] = np.arange(len(kr)) % 2
    with_preset = zscore.prevalence(kr, preset="dhs")
    scaled = kr.assign(hw2=kr.hw2 / 10, hw3=kr.hw3 / 10, w=kr.v005 / 1e6)
    scaled.loc[kr.hw2 >= 9990, "hw2"] = np.nan
    scaled.loc[kr.hw3 >= 9990, "hw3"] = np.nan
    scaled["pos"] = kr.hw15.map({1: "l", 2: "h"})
    by_hand = zscore.prevalence(scaled, sex="b4", age="hw1", age_unit="months", weight="hw2",
                                lenhei="hw3", measure="pos", weights="w", cluster="v021",
                                strata="v022")
    assert with_preset.attrs["method"] == by_hand.attrs["method"] == "survey"
    pd.testing.assert_frame_equal(with_preset, by_hand)


def test_the_dhs_pr_dates_make_the_age_in_days():
    pr = pd.DataFrame({"hc27": [1, 2], "hc1": [12, 30], "hc2": [95, 120], "hc3": [752, 885],
                       "hc15": [1, 2], "hc16": [98, 10], "hc30": [3, 7], "hc31": [2019, 2017],
                       "hc17": [5, 6], "hc18": [3, 1], "hc19": [2020, 2020]})
    out = zscore.classify(pr, preset="dhs")
    # day of birth 98 (unknown) is the 16th, as DHS imputes: 2019-03-16 to 2020-03-05
    first = zscore.child(sex=1, age=355, weight=9.5, lenhei=75.2, measure="l")
    second = zscore.child(sex=2, age=910, weight=12.0, lenhei=88.5, measure="h")
    assert out.zlen.tolist() == [first.zlen, second.zlen]


def test_the_mics_preset():
    ch = pd.DataFrame({"HL4": [1, 2, 1], "CAGED": [400, 9999, 900], "AN8": [9.5, 99.4, 12.0],
                       "AN11": [75.2, 80.0, 999.6], "AN12": [1, 1, 2],
                       "chweight": [1.2, 0.8, 1.0]})
    with pytest.raises(InputError, match="preset='mics'"):
        zscore.classify(ch)
    out = zscore.classify(ch, preset="mics")
    assert out.zwei[0] == zscore.child(sex=1, age=400, weight=9.5).zwei
    # no age: zwei's first reason is the age (the kernel's order), zwfl's the refused weight
    assert out.reason.tolist()[1:] == ["age_missing: zlen zwei zbmi; refused: zwfl",
                                       "not_measured: zlen zwfl zbmi"]


def test_the_eppgbm_preset_reads_day_month_year_and_gives_permenkes_labels():
    register = {"Jenis Kelamin": ["P", "L"], "Tanggal Lahir": ["05/01/2023", "03/02/2022"],
                "Tanggal Penimbangan": ["07/03/2024", "07/03/2024"],
                "Berat Badan (kg)": [8.1, 11.0], "Tinggi Badan (cm)": [70.5, 84.0],
                "Cara Ukur": ["Terlentang", "Berdiri"]}
    with pytest.raises(InputError, match="day/month/year or month/day/year"):
        zscore.classify(register)  # no day above 12: the order cannot be told
    out = zscore.classify(register, preset="eppgbm")
    first = zscore.child(sex=2, age=427, weight=8.1, lenhei=70.5, measure="l", labels="id")
    assert out["zlen"][0] == first.zlen and out["stunting"][0] == first.stunting == "pendek"


def test_a_mapping_file_is_a_preset_of_ones_own(tmp_path):
    mapping = tmp_path / "mine.toml"
    mapping.write_text('name = "mine"\n[columns]\nsex = ["kelamin"]\nweight = ["massa"]\n'
                       'age = ["hari"]\n[units]\nweight = "g"\n[codes.sex]\nA = "m"\nB = "f"\n')
    out = zscore.classify({"kelamin": ["A", "B"], "hari": [300, 300], "massa": [8000, 7500]},
                          preset=str(mapping))
    assert out["zwei"].tolist() == [zscore.child(sex=1, age=300, weight=8.0).zwei,
                                    zscore.child(sex=2, age=300, weight=7.5).zwei]


@pytest.mark.parametrize("text, message", [
    ("[columns]\nheight = ['x']\n", "not arguments"),
    ("[units]\nweight = 'stone'\n", "choose one of"),
    ("[codes.sex]\nA = 'q'\n", "use WHO's codes"),
    ("[special.weight]\n99 = 'gone'\n", "choose among"),
    ("colour = 'red'\n", "unknown entries"),
    ("[columns\n", "not a valid TOML"),
])
def test_a_broken_mapping_file_is_one_clear_error(tmp_path, text, message):
    mapping = tmp_path / "bad.toml"
    mapping.write_text(text)
    with pytest.raises(InputError, match=message):
        zscore.classify({"sex": [1], "age": [1], "weight": [3.0]}, preset=str(mapping))


def test_prevalence_quality_and_classify_read_a_file_alike():
    """One resolver: the same Indonesian register gives the same children everywhere."""
    register = pd.DataFrame({"JK": ["P", "L", "L", "P"] * 10,
                             "Tgl Lahir": ["15/01/2023", "20/02/2022", "13/07/2021",
                                           "01/12/2020"] * 10,
                             "Tgl Ukur": ["20/03/2024"] * 40, "BB": [8.1, 11.0, 12.5, 13.0] * 10,
                             "TB": [70.5, 84.0, 90.0, 93.0] * 10})
    inp, res = gather(register, {})
    assert res.age_from_dates and inp.age_unit == "days"
    out = zscore.classify(register)
    stunted = (out.stunting.isin(["stunted", "severely stunted"])).mean() * 100
    p = zscore.prevalence(register)
    row = p[(p.group == "All") & (p.indicator == "HA") & (p.statistic == "% z < -2")]
    assert row.estimate.iloc[0] == pytest.approx(stunted)
    q = zscore.quality(register)
    assert q[(q.check == "missing") & (q.variable == "age")].value.iloc[0] == 0.0


def test_one_age_normalisation_for_every_front_end():
    """An infinite age is too old everywhere (no z-score, no age group, not missing); a
    negative one is invalid and read as no age (weight-for-length still computed)."""
    table = {"sex": [1, 1, 1, 1], "age": [np.inf, -5.0, 400.0, 500.0],
             "weight": [9.0, 9.0, 9.0, 9.5], "lenhei": [75.0, 75.0, 75.0, 76.0]}
    out = zscore.classify(table)
    assert out["reason"][0] == "age_out_of_range: zlen zwei zwfl zbmi"
    assert out["reason"][1] == "age_invalid: zlen zwei zbmi"
    with pytest.warns(zscore.ZScoreWarning, match="1 row older than 1826 days"):
        p = zscore.prevalence(table)
    n = p[(p.group == "All") & (p.indicator == "WH") & (p.statistic == "n (unweighted)")]
    assert n.estimate.iloc[0] == 3  # the infinite age left out, the negative one kept
    q = zscore.quality(table)
    missing = q[(q.check == "missing") & (q.variable == "age")].value.iloc[0]
    assert missing == pytest.approx(25.0)  # the negative age only


def test_value_labelled_measurements_are_codes_even_without_a_preset():
    table = {"b4": [1, 2], "hw1": [12, 20], "hw2": [95, 9994], "hw3": [752, 9995]}
    labels = {"hw2": {9994: "not present", 9995: "refused", 9996: "other"},
              "hw3": {9994: "not present", 9995: "refused", 9996: "other"}}
    out = zscore.classify(table, sex="b4", age="hw1", age_unit="months", weight="hw2",
                          lenhei="hw3", units={"weight": "0.1kg", "lenhei": "0.1cm"},
                          value_labels=labels)
    assert out["zwei"][0] == zscore.child(sex=1, age=12, age_unit="months", weight=9.5).zwei
    assert out["reason"][1] == "refused: zlen; not_present: zwei zwfl zbmi"


def test_a_bracketed_hint_in_a_name_is_not_part_of_it():
    assert found({"JK (L/P)": ["L"]})["sex"] == ("JK (L/P)", None)
    assert found({"sex": [1], "Cara Ukur (B/T)": ["B"]})["measure"][0] == "Cara Ukur (B/T)"


def test_optional_columns_not_found_are_said_with_candidates():
    res = resolve.resolve({"sex": [1], "age": [1], "weight": [1.0], "pos_lying": ["l"]}, {})
    lines = "\n".join(res.describe())
    assert "measure  <- none" in lines and "'pos_lying' could be it: --measure pos_lying" in lines
    assert "oedema   <- none (no child has oedema" in lines


@pytest.mark.parametrize("text", ["-", ".", " - ", "NA", "n/a", ""])
def test_a_dash_or_a_dot_is_missing_not_invalid(text):
    out = zscore.classify({"sex": [1], "age": [100], "weight": [text]})
    assert out["reason"][0] == "weight_missing: zwei"


def test_child_gives_none_for_what_it_has_no_data_for():
    r = zscore.child(sex="m", age=20, age_unit="months", lenhei=80.0)
    assert r.zwei is None and r.fwei is None and r.wasting is None and r.zlen is not None
    with pytest.raises(AttributeError):
        r.not_a_column  # noqa: B018


def test_an_imputed_birth_day_after_the_measurement_falls_back_to_the_age_column():
    # born in March 2023, day unknown (DHS imputes the 16th), measured on 10 March 2023
    pr = {"hc27": [1], "hc1": [0], "hc2": [40], "hc3": [520], "hc15": [1], "hc16": [98],
          "hc30": [3], "hc31": [2023], "hc17": [10], "hc18": [3], "hc19": [2023]}
    out = zscore.classify(pr, preset="dhs")
    assert out["zwei"][0] == zscore.child(sex=1, age=0, weight=4.0).zwei
