"""The survey report of a large file: its size (it must stay under 3 MiB), time and peak
memory, for ``zscore report FILE.parquet --by desa,kecamatan`` read a batch at a time.

    python benchmarks/report_size.py                 # 10 M rows (about 3-6 min on 2 cores)
    python benchmarks/report_size.py --rows 1e6      # a quick look

The input is written a million rows at a time (benchmarks/_data.py's children, seed = the
chunk's number) with 500 villages (desa) in 25 subdistricts (kecamatan) and a visit date in
2024-2025 (the report's periods, by semester). The report runs as ``zscore report`` in a
fresh process; its peak RSS is read from ``/usr/bin/time``-style ``resource`` counters.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import children

LIMIT = 3 * 1024 * 1024
CHUNK = 1_000_000


def write_input(path: Path, rows: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    done = 0
    chunk = 0
    desa = np.array([f"Desa {k:03d}" for k in range(500)])
    while done < rows:
        n = min(CHUNK, rows - done)
        c = children(n, seed=chunk)
        rng = np.random.default_rng(1000 + chunk)
        village = rng.integers(0, 500, n)
        visit = np.datetime64("2024-01-01") + rng.integers(0, 730, n).astype("timedelta64[D]")
        table = pa.table({
            "sex": c["sex"].astype(np.int64),
            "age": pa.array(np.round(c["age"]), mask=np.isnan(c["age"])),
            "weight": pa.array(c["weight"], mask=np.isnan(c["weight"])),
            "lenhei": pa.array(c["lenhei"], mask=np.isnan(c["lenhei"])),
            "measure": c["measure"], "oedema": c["oedema"],
            "desa": desa[village], "kecamatan": np.array([f"Kec {k // 20:02d}" for k in range(500)])
            [village], "tanggal": visit,
        })
        if writer is None:
            writer = pq.ParquetWriter(str(path), table.schema)
        writer.write_table(table)
        done += n
        chunk += 1
    writer.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=float, default=1e7)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    rows = int(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "register.parquet"
        start = time.perf_counter()
        write_input(src, rows)
        print(f"wrote {rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - start:.0f} s", flush=True)
        out = Path(folder) / "report.html"
        cmd = [sys.executable, "-m", "zscore", "report", str(src), "--by", "desa,kecamatan",
               "--period", "tanggal", "--period-unit", "semester", "--target", "14",
               "-o", str(out), "--quiet"]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, env=os.environ.copy())
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = out.stat().st_size
        result = {"rows": rows, "seconds": round(elapsed, 1), "peak_rss_mb": round(peak),
                  "report_bytes": size, "under_3_mib": size < LIMIT}
        print(json.dumps(result))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=1))
        if size >= LIMIT:
            raise SystemExit(f"the report is {size / 2**20:.2f} MiB, over 3 MiB")


if __name__ == "__main__":
    main()
