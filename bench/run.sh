#!/usr/bin/env bash
# Benchmark `takst compare` against `cat` and a DuckDB baseline.
#
#   bash bench/run.sh [ROWS ...]          default: 1000000 10000000
#
# For each ROWS: generates bench/out/ROWS/ with bench/gen.py (reused when its
# gen-info.txt already says the same rows and seed; FORCE=1 regenerates), then
# measures wall time and peak RSS (/usr/bin/time -f '%e %M') of
#   (a) cat delivered.csv > /dev/null            the cost of reading the bytes
#   (b) DuckDB (bench/duckdb_compare.py, 2 threads) doing the same join and
#       aggregation, checked against gen-info.txt
#   (c) target/release/takst compare ... --format csv --out /tmp/...
# and `takst tariff` on a model of --citizens 80000 --rows 0. Commands that
# fail (takst compare does not exist yet) are shown as n/a. Ends with a
# Markdown table.
#
# Environment: SEED (default 1), YEAR (2025), THREADS (DuckDB, 2),
# REPEAT (runs per measurement, best wall time kept; default 1),
# VENV (DuckDB virtualenv, /tmp/bench-venv), FORCE=1, SKIP_BUILD=1.
set -u -o pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
SEED=${SEED:-1}
YEAR=${YEAR:-2025}
THREADS=${THREADS:-2}
REPEAT=${REPEAT:-1}
VENV=${VENV:-/tmp/bench-venv}
TAKST="$ROOT/target/release/takst"
TMP=$(mktemp -d /tmp/takst-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ "$#" -eq 0 ]; then set -- 1000000 10000000; fi
if [ ! -x /usr/bin/time ]; then echo "run.sh: /usr/bin/time (GNU time) is needed" >&2; exit 2; fi

log() { echo "run.sh: $*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release -p takst-cli"
    cargo build --release -p takst-cli >&2 || log "build failed; takst figures will be n/a"
fi

# gen DIR ROWS [extra gen.py args...]: generate unless already there.
gen() {
    local dir=$1 rows=$2; shift 2
    if [ "${FORCE:-0}" != 1 ] && [ -f "$dir/gen-info.txt" ] \
        && grep -qx "rows=$rows" "$dir/gen-info.txt" \
        && grep -qx "seed=$SEED" "$dir/gen-info.txt" \
        && grep -qx "year=$YEAR" "$dir/gen-info.txt"; then
        log "reusing $dir"
        return 0
    fi
    log "generating $dir"
    /usr/bin/time -f '%e %M' -o "$TMP/gen.time" \
        python3 "$ROOT/bench/gen.py" --out "$dir" --rows "$rows" --seed "$SEED" --year "$YEAR" "$@" >&2 \
        || { log "gen.py failed"; exit 1; }
    log "generated in $(awk '{print $1}' "$TMP/gen.time") s"
}

# measure NAME EXPECT CMD...: run REPEAT times; sets M_WALL, M_RSS_MB (best
# wall time and its peak RSS) or "n/a" when the command fails or, if EXPECT
# is not "-", does not write the file EXPECT; output of the last run in
# $TMP/NAME.out / .err.
measure() {
    local name=$1 expect=$2; shift 2
    M_WALL="n/a"; M_RSS_MB="n/a"
    local best="" i
    for ((i = 1; i <= REPEAT; i++)); do
        [ "$expect" != - ] && rm -f "$expect"
        if /usr/bin/time -f '%e %M' -o "$TMP/$name.time" "$@" \
            >"$TMP/$name.out" 2>"$TMP/$name.err" \
            && { [ "$expect" = - ] || [ -s "$expect" ] || { log "$name wrote no $expect"; false; }; }; then
            local wall rss
            read -r wall rss < <(tail -n 1 "$TMP/$name.time")
            if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then
                best=$wall
                M_WALL=$wall
                M_RSS_MB=$(awk -v k="$rss" 'BEGIN{printf "%.0f", k/1024}')
            fi
        else
            log "$name failed: $(head -c 300 "$TMP/$name.err" | tr '\n' ' ')"
            M_WALL="n/a"; M_RSS_MB="n/a"
            return 0
        fi
    done
}

fmt_rows() { awk -v n="$1" 'BEGIN{ if (n>=1e6 && n%1e6==0) printf "%dM", n/1e6; else printf "%d", n }'; }

ROWS_TABLE=()
for rows in "$@"; do
    dir="$OUT/$rows"
    gen "$dir" "$rows"
    csv="$dir/delivered.csv"
    size_mb=$(du -m "$csv" | cut -f1)
    cat "$csv" >/dev/null # warm the page cache: every tool below reads from memory

    measure cat - sh -c 'cat "$1" >/dev/null' sh "$csv"
    cat_w=$M_WALL cat_m=$M_RSS_MB

    measure duckdb "$TMP/duckdb.csv" python3 "$ROOT/bench/duckdb_compare.py" "$dir/model" --delivered "$csv" \
        --from "$YEAR-01-01" --to "$YEAR-12-31" --threads "$THREADS" --venv "$VENV" \
        --out "$TMP/duckdb.csv" --check "$dir/gen-info.txt"
    duck_w=$M_WALL duck_m=$M_RSS_MB
    [ "$duck_w" != "n/a" ] && log "duckdb: $(grep -h 'rows in' "$TMP/duckdb.err")"

    measure takst "$TMP/takst-compare.csv" "$TAKST" compare "$dir/model" --delivered "$csv" \
        --from "$YEAR-01-01" --to "$YEAR-12-31" --format csv --out "$TMP/takst-compare.csv"
    tk_w=$M_WALL tk_m=$M_RSS_MB
    tk_check="n/a"
    if [ "$tk_w" != "n/a" ]; then
        want=$(grep -h '^# conservation:' "$dir/gen-info.txt" | sed 's/^# //')
        got=$(grep -h '^conservation:' "$TMP/takst.err" | tail -n 1)
        if [ "$want" = "$got" ]; then tk_check="ok"; else
            tk_check="MISMATCH"
            log "takst conservation differs: want '$want', got '$got'"
        fi
    fi
    ROWS_TABLE+=("| $(fmt_rows "$rows") | $size_mb | $cat_w | $cat_m | $duck_w | $duck_m | $tk_w | $tk_m | $tk_check |")
done

# takst tariff on about 100,000 agreements
tdir="$OUT/tariff-80000"
gen "$tdir" 0 --citizens 80000
measure tariff "$TMP/takst-tariff.csv" "$TAKST" tariff "$tdir/model" --format csv --out "$TMP/takst-tariff.csv"
tariff_w=$M_WALL tariff_m=$M_RSS_MB
n_agr=$(grep -h '^agreements=' "$tdir/gen-info.txt" | cut -d= -f2)

echo
echo "Machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1), $(free -g | awk '/^Mem:/{print $2}') GiB RAM; DuckDB threads: $THREADS; best of $REPEAT; page cache warm"
echo
echo "| rows | file MB | cat s | cat MB | DuckDB s | DuckDB MB | takst compare s | takst compare MB | takst conservation |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
printf '%s\n' "${ROWS_TABLE[@]}"
echo
echo "| command | agreements | s | MB |"
echo "|---|---:|---:|---:|"
echo "| takst tariff (--citizens 80000 --rows 0) | $n_agr | $tariff_w | $tariff_m |"
