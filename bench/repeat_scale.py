"""Per-product repeat statistics on Complete Journey replicated to 30M transactions.

The orders of Complete Journey (1.46M rows) are copied with new household and basket ids until
there are at least `--rows` transactions, and written to one Parquet file. Then, each in its own
process, DuckDB and pandas compute the per-product statistics (RCP, interval counts, log sums
for the log-normal fit) from that file. The script prints wall time and peak resident memory of
each engine, their ratio, the load average, and whether both tables agree.

CPU time is reported too: on a shared machine the wall time depends on the load, and CPU time
divided by the threads used bounds the wall time on an idle machine from below.

Run: python bench/repeat_scale.py [--rows 30000000] [--workdir DIR] [--skip-pandas]
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def build_parquet(path: Path, rows: int) -> int:
    """Write replicated Complete Journey orders to `path`; return the number of rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recsys_core.data import load_dataset

    orders = load_dataset("completejourney").orders[["customer_id", "product_id", "timestamp", "basket_id"]]
    copies = -(-rows // len(orders))
    written = 0
    with pq.ParquetWriter(path, pa.schema([("customer_id", pa.string()), ("product_id", pa.string()),
                                           ("timestamp", pa.timestamp("ns")), ("basket_id", pa.string())])) as writer:
        for copy in range(copies):
            suffix = f"-r{copy}"
            frame = orders.assign(customer_id=orders["customer_id"] + suffix, basket_id=orders["basket_id"] + suffix)
            writer.write_table(pa.Table.from_pandas(frame, preserve_index=False), row_group_size=1_000_000)
            written += len(frame)
    return written


def run_engine(engine: str, parquet: Path, output: Path, memory_limit: str, threads: int, spill: Path) -> None:
    """Child process: compute the statistics with one engine and print a JSON line of figures."""
    from recsys_core.repeat import stats

    started = time.perf_counter()
    if engine == "duckdb":
        connection = stats.connect_duckdb(memory_limit=memory_limit, threads=threads, temp_directory=str(spill))
        table = stats.product_stats_duckdb(str(parquet), connection=connection)
    else:
        import pandas as pd

        orders = pd.read_parquet(parquet)
        table = stats.product_stats_pandas(orders)
    seconds = time.perf_counter() - started
    table.to_parquet(output, index=False)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"engine": engine, "seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                      "peak_rss_mb": usage.ru_maxrss / 1024, "products": len(table)}))


def spawn(engine: str, args: argparse.Namespace, parquet: Path, workdir: Path) -> dict:
    command = [sys.executable, __file__, "--child", engine, "--parquet", str(parquet), "--workdir", str(workdir),
               "--memory-limit", args.memory_limit, "--threads", str(args.threads)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        return {"engine": engine, "failed": completed.stderr.strip().splitlines()[-1:] or [f"exit {completed.returncode}"]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=30_000_000, help="minimum number of transactions (default 30M)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "recsys-repeat-bench",
                        help="folder for the Parquet file, spill files and results")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit (default 3GB)")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    parser.add_argument("--skip-pandas", action="store_true", help="run DuckDB only")
    parser.add_argument("--child", choices=["duckdb", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--parquet", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    spill = args.workdir / "spill"
    spill.mkdir(exist_ok=True)

    if args.child:
        run_engine(args.child, args.parquet, args.workdir / f"stats-{args.child}.parquet", args.memory_limit,
                   args.threads, spill)
        return 0

    parquet = args.workdir / f"orders-{args.rows}.parquet"
    if not parquet.is_file():
        print(f"writing {parquet} ...", flush=True)
        rows = build_parquet(parquet, args.rows)
    else:
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(parquet).metadata.num_rows
    print(f"transactions: {rows:,} ({parquet.stat().st_size / 2**20:.0f} MiB Parquet)")
    print(f"load average before: {os.getloadavg()}")
    results = [spawn("duckdb", args, parquet, args.workdir)]
    if not args.skip_pandas:
        results.append(spawn("pandas", args, parquet, args.workdir))
    print(f"load average after: {os.getloadavg()}")
    for result in results:
        if "failed" in result:
            print(f"{result['engine']:>7}: failed: {result['failed']}")
        else:
            print(f"{result['engine']:>7}: {result['seconds']:7.1f} s wall, {result['cpu_seconds']:7.1f} s CPU "
                  f"(whole process), peak RSS {result['peak_rss_mb']:7.0f} MB, {result['products']:,} products")
    if len(results) == 2 and all("failed" not in result for result in results):
        import pandas as pd

        duck = pd.read_parquet(args.workdir / "stats-duckdb.parquet")
        pand = pd.read_parquet(args.workdir / "stats-pandas.parquet")
        pd.testing.assert_frame_equal(duck, pand, check_exact=False, rtol=1e-9)
        print("tables equal: yes")
        print(f"pandas / duckdb time ratio: {results[1]['seconds'] / results[0]['seconds']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
