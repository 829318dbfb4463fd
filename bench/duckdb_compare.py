#!/usr/bin/env python3
"""DuckDB baseline for `takst compare`: the same aggregation and join, in SQL.

    python3 bench/duckdb_compare.py MODEL --delivered FILE --from D --to D --out FILE
        [--threads 2] [--check GEN_INFO]

Runs bench/compare.sql and writes one row per agreement x staff x band
(agreement,citizen,municipality,staff,band,agreed_hours,delivered_hours,
diff_hours,delivery_pct,status) to --out as CSV; prints the hours-conservation
line to stderr in takst's format. With --check, compares that line with the
hours in a bench/gen.py gen-info.txt and exits 1 when they differ.

DuckDB is a benchmark tool here, not a project dependency: when the running
Python cannot import duckdb, the script creates a throwaway virtualenv
(--venv, default /tmp/bench-venv), runs `pip install duckdb` in it once, and
re-runs itself with that interpreter.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REASONS = ["matched", "outside_period", "unknown_citizen",
           "no_agreement_that_day", "unknown_staff", "unknown_band"]


def ensure_duckdb(venv: str) -> None:
    try:
        import duckdb  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("BENCH_DUCKDB_REEXEC"):
        sys.exit(f"duckdb_compare.py: duckdb not importable even in {venv}")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        print(f"duckdb_compare.py: creating {venv} and installing duckdb", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    check = subprocess.run([py, "-c", "import duckdb"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "--quiet", "duckdb"], check=True)
    env = dict(os.environ, BENCH_DUCKDB_REEXEC="1")
    os.execve(py, [py, os.path.abspath(__file__)] + sys.argv[1:], env)


def read_model_ids(model: str):
    import tomllib
    with open(os.path.join(model, "takst.toml"), "rb") as f:
        doc = tomllib.load(f)
    staff = [s["id"] for s in doc.get("staff", [])]
    bands = [b["id"] for b in doc.get("band", [])]
    return staff, bands


def sniff_dialect(path: str):
    """(delim, decimal_sep, date_format, skip) of a delivered file: plain CSV
    or as Danish Excel saves it (optional BOM and `sep=;` line, ';', decimal
    comma, dd-mm-yyyy)."""
    with open(path, "rb") as f:
        head = f.read(8192)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    skip = 0
    if lines and lines[0].strip().lower().startswith("sep="):
        skip = 1
        lines = lines[1:]
    header = lines[0] if lines else ""
    delim = ";" if header.count(";") > header.count(",") else ","
    decimal_sep = "," if delim == ";" else "."
    date_format = "%Y-%m-%d"
    if len(lines) > 1:
        cols = [c.strip().lower() for c in header.split(delim)]
        vals = lines[1].split(delim)
        if "date" in cols and len(vals) > cols.index("date"):
            v = vals[cols.index("date")]
            if len(v) == 10 and v[2] == "-" and v[5] == "-":
                date_format = "%d-%m-%Y"
    return delim, decimal_sep, date_format, skip


def fmt2(x) -> str:
    from decimal import Decimal
    return f"{Decimal(x or 0):.2f}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="model directory (takst.toml, agreements.csv, needs.csv)")
    p.add_argument("--delivered", required=True)
    p.add_argument("--from", dest="period_from", required=True, help="YYYY-MM-DD")
    p.add_argument("--to", dest="period_to", required=True, help="YYYY-MM-DD")
    p.add_argument("--out", required=True, help="result CSV")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tolerance", type=float, default=0.10)
    p.add_argument("--venv", default="/tmp/bench-venv")
    p.add_argument("--check", metavar="GEN_INFO",
                   help="gen-info.txt whose hours per reason must match")
    args = p.parse_args()
    ensure_duckdb(args.venv)
    import duckdb

    t0 = time.perf_counter()
    staff, bands = read_model_ids(args.model)
    delim, decimal_sep, date_format, skip = sniff_dialect(args.delivered)
    if skip:
        sys.exit("duckdb_compare.py: a `sep=;` first line is not supported by this baseline")

    con = duckdb.connect()
    con.execute(f"SET threads = {int(args.threads)}")
    con.execute("SET preserve_insertion_order = false")
    variables = {
        "agreements_csv": os.path.join(args.model, "agreements.csv"),
        "needs_csv": os.path.join(args.model, "needs.csv"),
        "delivered_csv": args.delivered,
        "staff_ids": staff,
        "band_ids": bands,
        "delim": delim,
        "decimal_sep": decimal_sep,
        "date_format": date_format,
        "tolerance": args.tolerance,
    }
    for name, value in variables.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])
    con.execute("SET VARIABLE period_from = CAST(? AS DATE)", [args.period_from])
    con.execute("SET VARIABLE period_to = CAST(? AS DATE)", [args.period_to])

    with open(os.path.join(HERE, "compare.sql"), encoding="utf-8") as f:
        con.execute(f.read())

    tmp = args.out + ".tmp"
    con.execute("COPY (SELECT * FROM result) TO '{}' (HEADER, DELIMITER ',')"
                .format(tmp.replace("'", "''")))
    os.replace(tmp, args.out)

    hours = {r: 0 for r in REASONS}
    rows = {r: 0 for r in REASONS}
    for reason, h, n in con.execute("SELECT reason, hours, n_rows FROM conservation").fetchall():
        hours[reason] = h
        rows[reason] = n
    n_result = con.execute("SELECT count(*) FROM result").fetchone()[0]
    total = sum(hours[r] for r in REASONS)
    line = "conservation: delivered_in={} ".format(fmt2(total)) + " ".join(
        f"{r}={fmt2(hours[r])}" for r in REASONS)
    print(line, file=sys.stderr)
    print(f"duckdb_compare.py: {sum(rows.values())} rows in, {n_result} result rows, "
          f"duckdb {duckdb.__version__}, {args.threads} threads, "
          f"{time.perf_counter() - t0:.2f} s", file=sys.stderr)

    if args.check:
        expected = {}
        with open(args.check, encoding="utf-8") as f:
            for ln in f:
                if "=" in ln and not ln.startswith("#"):
                    k, _, v = ln.strip().partition("=")
                    expected[k] = v
        want = {k: expected.get(k) for k in ["hours_in"] + REASONS}
        got = {"hours_in": fmt2(total), **{r: fmt2(hours[r]) for r in REASONS}}
        if want != got:
            print(f"duckdb_compare.py: MISMATCH with {args.check}: expected {want}, got {got}",
                  file=sys.stderr)
            return 1
        print(f"duckdb_compare.py: conservation matches {args.check}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
