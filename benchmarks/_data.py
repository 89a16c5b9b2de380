"""Deterministic synthetic children for the benchmarks: realistic, not uniform noise.

Ages are spread over 0-59 months; length/height and weight are drawn around the WHO medians
for each child's age and sex (z about N(-0.8, 1.1) for length, correlated weight), the
position follows age with 5 % measured the other way, 1 % oedema, 1 % missing weight. Uniform
random measurements would put most children beyond +-3 SD, where the restricted LMS does
extra work, and would flatter nothing.
"""

from __future__ import annotations

import numpy as np

from zscore import tables


def children(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Arrays: sex (int8 1/2), age (days, float), weight (kg), lenhei (cm), measure
    (int8 1 = "l", 2 = "h"), measure_text ("l"/"h"), oedema_text ("n"/"y")."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n).astype(np.int8)
    age = rng.uniform(0, 1826, n)
    day = np.floor(age + 0.5).astype(np.int64)
    length = tables.load("len_2006").lms
    weight_t = tables.load("wei_2006").lms
    z_len = rng.normal(-0.8, 1.1, n)
    m, s = length[sex - 1, day, 1], length[sex - 1, day, 2]
    lenhei = np.round(m * (1 + s * z_len), 1)
    l, m, s = (weight_t[sex - 1, day, k] for k in range(3))
    z_wei = 0.6 * z_len + rng.normal(0, 0.8, n)
    weight = np.round(m * (1 + l * s * z_wei) ** (1 / l), 2)
    weight[rng.random(n) < 0.01] = np.nan
    measure = np.where(age < 731, 1, 2).astype(np.int8)
    flip = rng.random(n) < 0.05
    measure[flip] = 3 - measure[flip]
    oedema = np.where(rng.random(n) < 0.01, "y", "n")
    return {
        "sex": sex, "age": age, "weight": weight, "lenhei": lenhei, "measure": measure,
        "measure_text": np.array(["l", "h"])[measure - 1], "oedema_text": oedema,
    }


def kwargs(data: dict[str, np.ndarray], codes: bool = True) -> dict[str, np.ndarray]:
    """classify() keyword arguments: the numbers, plus measure and oedema as WHO's text codes
    (codes=True) or without them (codes=False: no position, no oedema)."""
    out = {k: data[k] for k in ("sex", "age", "weight", "lenhei")}
    if codes:
        out["measure"] = data["measure_text"]
        out["oedema"] = data["oedema_text"]
    return out


def frame(data: dict[str, np.ndarray]):
    """A pandas DataFrame with WHO's column names (measure and oedema as categoricals)."""
    import pandas as pd

    return pd.DataFrame({
        "sex": data["sex"], "age": data["age"], "weight": data["weight"],
        "lenhei": data["lenhei"],
        "measure": pd.Categorical(data["measure_text"]),
        "oedema": pd.Categorical(data["oedema_text"]),
    })
