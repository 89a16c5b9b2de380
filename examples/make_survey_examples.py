"""Make examples/dhs_kr.dta and examples/mics_ch.sav: small synthetic survey files laid out as
a DHS children's recode (phase 7) and a MICS6 children-under-five file, with their value
labels, implied decimals and special codes. Invented numbers (drawn around WHO medians), for
the worked examples in docs/cli.md and the tests; rerun to rebuild."""

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from zscore import tables

rng = np.random.default_rng(7)
n = 400
here = Path(__file__).parent
sex = rng.integers(1, 3, n)
age_days = rng.integers(0, 1826, n)
lms_len, lms_wei = tables.load("len_2006").lms, tables.load("wei_2006").lms
z = rng.normal(-1.0, 1.2, n)
l, m, s = (lms_len[sex - 1, age_days, k] for k in range(3))
height = np.round(m * (1 + s * z), 1)
l, m, s = (lms_wei[sex - 1, age_days, k] for k in range(3))
weight = np.round(m * (1 + l * s * (0.6 * z + rng.normal(0, 0.8, n))) ** (1 / l), 1)
lying = np.where(age_days < 731, 1, 2)
interview = pd.Timestamp("2023-08-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
birth = interview - pd.to_timedelta(age_days, unit="D")
cdc = lambda t: (t - pd.Timestamp("1899-12-30")).days  # noqa: E731 (DHS century day code, as Excel)
region = rng.integers(1, 5, n)

kr = pd.DataFrame({
    "caseid": [f"{c:4d}{h:4d} 2" for c, h in zip(rng.integers(1, 60, n), rng.integers(1, 30, n),
                                               strict=True)],
    "v005": rng.integers(400_000, 2_500_000, n), "v021": rng.integers(1, 60, n),
    "v024": region, "b4": sex, "b18": [cdc(t) for t in birth], "v008a": [cdc(t) for t in interview],
    "hw1": (age_days / 30.4375).astype(int), "hw2": np.round(weight * 10).astype(int),
    "hw3": np.round(height * 10).astype(int), "hw15": lying})
kr["v022"] = (kr.v021 - 1) // 10 + 1
for i, code in ((3, 9994), (11, 9995), (29, 9996)):
    kr.loc[i, ["hw2", "hw3"]] = code
kr.loc[40, "hw15"] = 9
pyreadstat.write_dta(kr, str(here / "dhs_kr.dta"), version=15, column_labels=[
    "case identification", "women's individual sample weight (6 decimals)",
    "primary sampling unit", "region", "sex of child", "date of birth (cdc)",
    "date of interview (cdc)", "child's age in months", "child's weight in kilograms (1 decimal)",
    "child's height in centimeters (1 decimal)", "measured lying down or standing up",
    "sample strata for sampling errors"],
    variable_value_labels={"b4": {1: "male", 2: "female"},
                           "hw15": {1: "lying down", 2: "standing up", 9: "missing"},
                           "v024": {1: "north", 2: "east", 3: "south", 4: "west"},
                           "hw2": {9994: "not present", 9995: "refused", 9996: "other"},
                           "hw3": {9994: "not present", 9995: "refused", 9996: "other"}})

ch = pd.DataFrame({
    "HH1": rng.integers(1, 40, n), "HH2": rng.integers(1, 25, n), "HL4": sex,
    "UB1D": birth.day, "UB1M": birth.month, "UB1Y": birth.year,
    "AN13D": interview.day, "AN13M": interview.month, "AN13Y": interview.year,
    "CAGE": (age_days / 30.4375).astype(int), "CAGED": age_days, "AN8": weight,
    "AN11": height, "AN12": lying, "HH7": region, "chweight": np.round(rng.uniform(0.3, 2.5, n), 6),
    "UF17": np.ones(n, dtype=int)})
ch["PSU"], ch["stratum"] = ch.HH1, (ch.HH1 - 1) // 10 + 1
ch.loc[5, "UB1D"] = 98  # day of birth not known: the age comes from CAGED
ch.loc[17, "AN8"], ch.loc[23, "AN11"] = 99.3, 999.4
pyreadstat.write_sav(ch, str(here / "mics_ch.sav"), variable_value_labels={
    "HL4": {1: "Male", 2: "Female"}, "AN12": {1: "Lying down", 2: "Standing up", 9: "Missing"},
    "HH7": {1: "North", 2: "East", 3: "South", 4: "West"},
    "AN8": {99.3: "Child not present", 99.4: "Child refused"},
    "AN11": {999.3: "Child not present", 999.4: "Child refused"}})
print("wrote", here / "dhs_kr.dta", here / "mics_ch.sav")
