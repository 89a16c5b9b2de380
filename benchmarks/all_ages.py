"""Rows per second for 0-5 year data and for 0-19 year data in one call (standard="auto").

    python benchmarks/all_ages.py [--rows 1e7] [--repeat 3]

Both data sets come from benchmarks/_data.py (same shares of errors and missing values); the
0-19 set scores about 74 % of its rows with the WHO 2007 reference and the rest with the 2006
standards, in the same kernel pass. Prints the best of --repeat runs for each, and the ratio.
"""

from __future__ import annotations

import argparse
import time

import _data

import zscore


def best(kwargs: dict, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        zscore.classify(**kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, default=1e7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = int(args.rows)
    sets = {"0-5 years (2006 standards)": _data.children(n),
            "0-19 years (standard='auto')": _data.children_all_ages(n)}
    rates = {}
    for name, data in sets.items():
        kwargs = _data.classify_kwargs(data)
        zscore.classify(**_data.classify_kwargs(_data.head(data, 30_000)))  # warm up
        seconds = best(kwargs, args.repeat)
        rates[name] = n / seconds
        print(f"{name:32s} {n:>12,} rows  {seconds:6.2f} s  {n / seconds / 1e6:6.2f} M rows/s")
    a, b = rates.values()
    print(f"0-19 / 0-5 speed ratio: {b / a:.2f}")


if __name__ == "__main__":
    main()
