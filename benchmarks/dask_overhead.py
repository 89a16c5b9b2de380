"""What Dask costs: ``zscore.dask`` against the same calls in memory, on this machine.

    python benchmarks/dask_overhead.py                  # 1 M and 4 M rows, 3 repeats (~6 min)
    python benchmarks/dask_overhead.py --rows 1e6 --repeat 1     # a quick look

The input is a folder of Parquet files (8 files, one per partition), a survey as it is kept:
benchmarks/_data.py's children with a PSU of 50 children, a stratum of 20 PSUs and a sampling
weight per PSU. Each variant reads the folder and computes one answer, timed from the read to
the answer in memory (a pandas DataFrame), interleaved within each repeat:

* ``memory``: ``pandas.read_parquet`` of the folder, then ``zscore.classify`` /
  ``zscore.prevalence`` (weights, PSUs, strata, by sex) / ``zscore.quality``;
* ``threads``: ``dask.dataframe.read_parquet`` and ``zscore.dask.*`` on Dask's threaded
  scheduler (two threads, one process);
* ``cluster``: the same on a ``dask.distributed`` LocalCluster of two worker processes of one
  thread each, started (and warmed by one small call) before the timing.

``classify`` writes its result to a folder of Parquet files (pandas' ``to_parquet`` in memory,
one file per partition with Dask, written by the workers), as a table this size is kept:
bringing 4 M classified rows back to one process would time the transfer, not the work.

Ratios to ``memory`` are within one repeat. The machine is shared: compare within a run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import _data

PARTS = 8
PSU_SIZE = 50
PSUS_PER_STRATUM = 20


def write_folder(folder: Path, n: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    d = _data.children(n, seed=7)
    psu = np.arange(n) // PSU_SIZE
    rng = np.random.default_rng(3)
    weight_of_psu = rng.uniform(0.5, 2.0, psu[-1] + 1)
    table = pa.table({
        "sex": d["sex"].astype(np.int64), "age": d["age"],
        "weight": d["weight"], "lenhei": d["lenhei"],
        "measure": pa.array(d["measure"]).cast(pa.string()),
        "oedema": pa.array(d["oedema"]).cast(pa.string()),
        "psu": psu, "stratum": psu // PSUS_PER_STRATUM, "sw": weight_of_psu[psu],
    })
    step = -(-n // PARTS)
    for i in range(PARTS):
        pq.write_table(table.slice(i * step, step), folder / f"part-{i}.parquet")


OPTIONS = {
    "classify": {},
    "prevalence": {"weights": "sw", "cluster": "psu", "strata": "stratum", "by": "sex"},
    "quality": {},
}


def in_memory(call: str, folder: Path, out: Path):
    import pandas as pd

    import zscore

    frame = pd.read_parquet(folder)
    result = getattr(zscore, call)(frame, **OPTIONS[call])
    if call == "classify":
        out.mkdir(exist_ok=True)
        result.to_parquet(out / "part.0.parquet")
    return result


def on_dask(call: str, folder: Path, out: Path):
    import dask.dataframe as dd

    import zscore.dask

    ddf = dd.read_parquet(str(folder))
    result = getattr(zscore.dask, call)(ddf, **OPTIONS[call])
    if call == "classify":  # written by the workers, as a cluster is used
        return result.to_parquet(str(out), overwrite=True)
    return result


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, nargs="+", default=[1e6, 4e6])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import warnings

    import dask
    import distributed

    import zscore

    warnings.simplefilter("ignore", zscore.ZScoreWarning)  # the 5-year exclusion note

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=40)
    client = distributed.Client(cluster, set_as_default=False)
    client.run(lambda: warnings.simplefilter("ignore", zscore.ZScoreWarning))
    print(f"load {os.getloadavg()[0]:.1f}; dask {dask.__version__}; 2 worker processes")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            n = int(rows)
            folder = Path(tmp) / f"n{n}"
            write_folder(folder, n)
            warm = Path(tmp) / "warm"
            write_folder(warm, 20_000)
            for call in OPTIONS:                      # compile and import everywhere first
                in_memory(call, warm, Path(tmp) / 'o')
                with dask.config.set(scheduler="threads", num_workers=2):
                    on_dask(call, warm, Path(tmp) / 'o')
                with client.as_current():
                    on_dask(call, warm, Path(tmp) / 'o')
            print(f"\n{n:,} rows, {PARTS} partitions")
            print(f"{'call':<11}{'memory s':>14}{'threads s':>14}{'cluster s':>14}"
                  f"{'threads/memory':>17}{'cluster/memory':>17}")
            for call in OPTIONS:
                times: dict[str, list[float]] = {"memory": [], "threads": [], "cluster": []}
                ratios: dict[str, list[float]] = {"threads": [], "cluster": []}
                for _ in range(args.repeat):
                    m = timed(lambda c=call, f=folder: in_memory(c, f, Path(tmp) / 'o'))
                    with dask.config.set(scheduler="threads", num_workers=2):
                        t = timed(lambda c=call, f=folder: on_dask(c, f, Path(tmp) / 'o'))
                    with client.as_current():
                        c_ = timed(lambda c=call, f=folder: on_dask(c, f, Path(tmp) / 'o'))
                    for key, value in (("memory", m), ("threads", t), ("cluster", c_)):
                        times[key].append(value)
                    ratios["threads"].append(t / m)
                    ratios["cluster"].append(c_ / m)

                def span(values: list[float]) -> str:
                    lo, hi = min(values), max(values)
                    return f"{lo:.2f}" if abs(hi - lo) < 0.005 else f"{lo:.2f}-{hi:.2f}"

                print(f"{call:<11}{span(times['memory']):>14}{span(times['threads']):>14}"
                      f"{span(times['cluster']):>14}{span(ratios['threads']):>17}"
                      f"{span(ratios['cluster']):>17}")
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
