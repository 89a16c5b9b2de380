"""Deterministic synthetic children for the benchmarks: realistic values, not uniform noise.

One call makes every column a benchmark needs, from one seeded generator, so every script
and every size scores the same children (take a prefix for a smaller batch):

* sex 1/2 (equal shares); age in days, uniform on 0-1856 (the last 30 days are past 60
  months, so about 1.6 % of rows are out of the standards' age range, as in real surveys);
* length/height drawn around the WHO median for the child's age and sex (z about
  N(-0.8, 1.1): a population with some stunting), measured lying before 731 days and standing
  from then on, except 5 % measured the other way (their value then differs by WHO's 0.7 cm)
  and 0.5 % with no position recorded; rounded to 0.1 cm as measuring boards read;
* weight around the WHO median weight for age, its z correlated with the length z, rounded
  to 0.1 kg as survey scales read;
* gross recording errors in 0.2 % of rows each for weight (halved or doubled) and
  length/height (20 cm off): WHO's flags for implausible z-scores have something to find;
* oedema "y" in 0.5 % of rows, else "n";
* a few missing values: weight 1 %, length/height 0.5 %, age 0.2 %.

Uniform random measurements would put most children beyond +-3 SD, where the restricted LMS
does extra work, and would measure nothing a user sees.

Codes come three ways: numpy text arrays of one character (``"l"``/``"h"``, ``"y"``/``"n"``,
what a user would pass), object arrays of str (what a CSV reader gives without pandas),
and the int8 codes the kernel takes (``zscore.rules``: measure 1 length, 2 height, 0 missing;
oedema 1 yes, 0 no), for timing the kernel without any parsing of text.
"""

from __future__ import annotations

import contextlib
import importlib
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from zscore import rules, tables

#: Largest age generated, days (WHO anthro's upper limit for age in days).
MAX_AGE_DAYS = 1856
SHARE_WRONG_POSITION = 0.05
SHARE_NO_POSITION = 0.005
SHARE_OEDEMA = 0.005
SHARE_GROSS_ERROR = 0.002
SHARE_MISSING = {"weight": 0.01, "lenhei": 0.005, "age": 0.002}

#: The input columns a call to zscore.classify reads, in WHO's names.
COLUMNS = ("sex", "age", "weight", "lenhei", "measure", "oedema")


def _lms_value(z: np.ndarray, lms: np.ndarray) -> np.ndarray:
    """Measurement at z-score z for rows of (L, M, S)."""
    l, m, s = lms[:, 0], lms[:, 1], lms[:, 2]
    return m * (1.0 + l * s * z) ** (1.0 / l)


def children(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """n synthetic children as numpy arrays (same seed, same children).

    Keys: ``sex`` (int8 1/2), ``age`` (float64, days, NaN missing), ``weight`` (kg) and
    ``lenhei`` (cm), float64 with NaN missing; ``measure`` and ``oedema`` as ``<U1`` text
    (``""`` when no position was recorded); ``measure_code`` and ``oedema_code`` as the kernel's
    int8 codes.
    """
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n).astype(np.int8)
    age = rng.uniform(0.0, MAX_AGE_DAYS, n)
    day = np.minimum(np.floor(age + 0.5).astype(np.int64), 1826)  # tables end at day 1826
    s = sex - 1

    # the child's true length (lying) or height (standing), whichever WHO's table expects
    z_len = rng.normal(-0.8, 1.1, n)
    true_lenhei = _lms_value(z_len, tables.load("len_2006").lms[s, day])
    z_wei = 0.6 * z_len + rng.normal(0.0, 0.8, n)
    weight = np.round(_lms_value(z_wei, tables.load("wei_2006").lms[s, day]), 1)

    standing = day >= rules.LENGTH_HEIGHT_SWITCH_DAY
    wrong = rng.random(n) < SHARE_WRONG_POSITION
    measured_standing = standing ^ wrong
    # lying gives 0.7 cm more than standing for the same child
    adjust = rules.LENHEI_ADJUSTMENT_CM
    lenhei = true_lenhei + np.where(wrong, np.where(standing, adjust, -adjust), 0.0)
    lenhei = np.round(lenhei, 1)
    measure_code = np.where(measured_standing, rules.MEASURE_HEIGHT, rules.MEASURE_LENGTH)
    measure_code = measure_code.astype(np.int8)
    measure_code[rng.random(n) < SHARE_NO_POSITION] = rules.MEASURE_MISSING

    gross = rng.random(n) < SHARE_GROSS_ERROR
    weight[gross] *= rng.choice([0.5, 2.0], int(gross.sum()))
    gross = rng.random(n) < SHARE_GROSS_ERROR
    lenhei[gross] += rng.choice([-20.0, 20.0], int(gross.sum()))

    oedema_code = (rng.random(n) < SHARE_OEDEMA).astype(np.int8)  # 1 yes, 0 no

    columns = {"age": age, "weight": weight, "lenhei": lenhei}
    for name, share in SHARE_MISSING.items():
        columns[name][rng.random(n) < share] = np.nan

    return {
        "sex": sex,
        "age": age,
        "weight": weight,
        "lenhei": lenhei,
        "measure": np.array(["", "l", "h"])[measure_code],
        "oedema": np.array(["n", "y"])[oedema_code],
        "measure_code": measure_code,
        "oedema_code": oedema_code,
    }


def head(data: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """The first n children (views, no copy)."""
    return {k: v[:n] for k, v in data.items()}


def classify_kwargs(data: dict[str, np.ndarray], codes: str = "numpy",
                    oedema: bool = True) -> dict[str, Any]:
    """Keyword arguments for ``zscore.classify`` (arrays, ``data=None``).

    codes: ``"numpy"`` passes measure and oedema as ``<U1`` arrays, ``"object"`` as object
    arrays of str (a copy is made here, outside any timing), ``"none"`` leaves them out (no
    position: no length/height adjustment; no oedema).
    """
    out: dict[str, Any] = {k: data[k] for k in ("sex", "age", "weight", "lenhei")}
    if codes == "none":
        return out
    names = ("measure", "oedema") if oedema else ("measure",)
    for name in names:
        out[name] = data[name] if codes == "numpy" else data[name].astype(object)
    return out


def frame(data: dict[str, np.ndarray], categorical: bool = False):
    """A pandas DataFrame with WHO's column names: measure and oedema as text with missing
    values, as ``pandas.read_csv`` gives them (pandas' default dtype for text: ``str`` from
    pandas 3, ``object`` before), or as categoricals."""
    import pandas as pd

    columns: dict[str, Any] = {k: data[k] for k in ("sex", "age", "weight", "lenhei")}
    for name in ("measure", "oedema"):
        text = data[name].astype(object)
        text[text == ""] = None
        columns[name] = pd.Categorical(text) if categorical else pd.Series(text)
    return pd.DataFrame(columns)


def kernel_inputs(data: dict[str, np.ndarray]):
    """``zscore.classify``'s internal :class:`Inputs` built straight from the numeric codes:
    what the kernel sees, with no parsing of text or conversion of numbers."""
    batch = importlib.import_module("zscore.classify")  # the module, not the function
    return batch.Inputs(
        n=data["sex"].size,
        sex=data["sex"],
        age=data["age"],
        measure=data["measure_code"],
        oedema=data["oedema_code"],
        measurements={"weight": data["weight"], "lenhei": data["lenhei"]},
    )


def nbytes(arrays) -> int:
    """Bytes held by arrays (an object array counts its pointers; its strings are shared; a
    zscore Labels column its codes)."""
    return sum(a.codes.nbytes if hasattr(a, "categories") else np.asarray(a).nbytes
               for a in arrays)


#: Largest age of the all-ages generator, days (228 months, the end of WHO's 2007 reference).
MAX_AGE_DAYS_ALL = 228 * rules.DAYS_PER_MONTH


def children_all_ages(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """n synthetic children and adolescents aged 0-19 years (ages uniform on 0-228 months, in
    days), as a survey such as Indonesia's SKI measures them: under 60 months as
    :func:`children` makes them; from 60 months, height around the WHO 2007 median for the
    age (z about N(-0.8, 1.1)), weight from the 2007 weight-for-age table up to 120 months and
    from BMI-for-age times height squared after it, standing, rounded as measured; the same
    shares of recording errors, oedema and missing values. Same keys as :func:`children`."""
    rng = np.random.default_rng(seed + 1)
    out = children(n, seed)
    age = rng.uniform(0.0, MAX_AGE_DAYS_ALL, n)
    months = age / rules.DAYS_PER_MONTH
    old = months >= rules.MIN_AGE_MONTHS_2007
    k = int(old.sum())
    m = np.minimum(np.floor(months[old]).astype(np.int64), 228)
    s = out["sex"][old] - 1
    z_h = rng.normal(-0.8, 1.1, k)
    hfa, bfa, wfa = (tables.load(t) for t in ("hfa_2007", "bfa_2007", "wfa_2007"))
    height = _lms_value(z_h, hfa.lms[s, m - 60])
    z_b = np.clip(0.3 * z_h + rng.normal(0.0, 1.0, k), -4.0, 4.0)  # the LMS curve ends near -5
    weight = _lms_value(z_b, bfa.lms[s, m - 60]) * (height / 100.0) ** 2
    young = m <= 120
    weight[young] = _lms_value(z_b[young], wfa.lms[s[young], m[young] - 60])
    gross = rng.random(k) < SHARE_GROSS_ERROR
    weight[gross] *= 2.0
    # the younger rows keep the age their measurements were drawn for
    out["age"] = np.where(old & ~np.isnan(out["age"]), age, out["age"])
    out["lenhei"][old] = np.round(height, 1)
    out["weight"][old] = np.round(weight, 1)
    out["measure_code"][old] = rules.MEASURE_HEIGHT
    out["measure"] = np.array(["", "l", "h"])[out["measure_code"]]
    for name in ("weight", "lenhei"):
        out[name][old & (rng.random(n) < SHARE_MISSING[name])] = np.nan
    return out


def zscore_commit() -> str | None:
    """The git commit of the zscore being measured (when it is a checkout), marked when the
    package's own files are modified."""
    import zscore

    commit = None
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        where = str(Path(zscore.__file__).parent)

        def git(*args: str) -> str:
            return subprocess.run(["git", "-C", where, *args], capture_output=True, text=True,
                                  check=True).stdout.strip()

        commit = git("rev-parse", "--short", "HEAD")
        if git("status", "--porcelain", "--", "."):  # the package's own files only
            commit += " (package modified)"
    return commit
