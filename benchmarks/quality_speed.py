"""Seconds for zscore.quality on 1e5, 1e6 and 1e7 children.

    python benchmarks/quality_speed.py              # 1e5, 1e6, 1e7 rows
    python benchmarks/quality_speed.py --max 1e6    # quicker

The children are benchmarks/_data.py's synthetic ones (realistic measurements, some errors and
missing values) in a pandas DataFrame, with a 40-region grouping column and dates of birth.
Timed, best of a few runs after a warm-up (numba compiled and cached):

* ``raw``: measurements in, so quality scores them first (the classify kernel is included);
* ``scored``: the output of zscore.classify in, its z-scores and flags read as they are;
* ``+ birth dates``: the same as ``scored`` with the birth-date checks (dates as datetime64).

Every call checks the whole data set and each of the 40 regions. The machine may be shared
and noisy: compare numbers within one run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data

import zscore

REGIONS = 40


def frame(n: int) -> pd.DataFrame:
    c = _data.children(n)
    rng = np.random.default_rng(7)
    regions = pd.Categorical.from_codes(rng.integers(0, REGIONS, n),
                                        [f"region {k:02d}" for k in range(REGIONS)])
    survey = np.datetime64("2024-06-15")
    birth = survey - np.nan_to_num(c["age"]).astype("timedelta64[D]")
    return pd.DataFrame({"sex": c["sex"], "age": c["age"], "weight": c["weight"],
                         "lenhei": c["lenhei"], "measure": c["measure"],
                         "oedema": c["oedema"], "region": regions, "birth": birth})


def best(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=float, default=1e7, help="largest number of rows")
    args = parser.parse_args()
    sizes = [n for n in (10**5, 10**6, 10**7) if n <= args.max]
    print(f"zscore {zscore.__version__}: quality() seconds, by={REGIONS} regions + all")
    print(f"{'rows':>10} {'raw':>8} {'scored':>8} {'+ birth dates':>14} {'rows/s (raw)':>14}")
    for n in sizes:
        df = frame(n)
        scored = zscore.classify(df)
        runs = 3 if n < 10**7 else 2
        raw = best(lambda: zscore.quality(df, by="region"), runs)  # noqa: B023
        done = best(lambda: zscore.quality(scored, by="region"), runs)  # noqa: B023
        dates = best(lambda: zscore.quality(scored, by="region", birth_date="birth"),  # noqa: B023
                     runs)
        print(f"{n:>10,} {raw:>8.2f} {done:>8.2f} {dates:>14.2f} {n / raw:>14,.0f}")


if __name__ == "__main__":
    main()
