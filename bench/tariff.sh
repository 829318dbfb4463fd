#!/usr/bin/env bash
# Benchmark `takst tariff` on about 100,000 agreements.
#
#   bash bench/tariff.sh [MODEL_DIR]
#
# Without MODEL_DIR: generates bench/out/tariff-80000/ with bench/gen.py
# --citizens 80000 --rows 0 (reused when it exists; FORCE=1 regenerates).
# Runs `target/release/takst tariff MODEL --format csv --out FILE` REPEAT
# times (default 9) with the page cache warm and TAKST_TIMINGS=1, and prints
# the fastest and the median wall time, the largest peak RSS (GNU time) and
# the median of each phase that takst reports. With SHUFFLE=1 the data rows
# of a copy of needs.csv and agreements.csv are shuffled first (the input
# then is in no useful order, and the canonical order is a full sort).
#
# Environment: REPEAT, SEED (1), FORCE=1, SKIP_BUILD=1, SHUFFLE=1, TAKST
# (the binary; default target/release/takst, e.g. an older build to compare).
set -u -o pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-9}
SEED=${SEED:-1}
TAKST=${TAKST:-"$ROOT/target/release/takst"}
TMP=$(mktemp -d /tmp/takst-tariff-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
log() { echo "tariff.sh: $*" >&2; }
if [ ! -x /usr/bin/time ]; then log "/usr/bin/time (GNU time) is needed"; exit 2; fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release -p takst-cli"
    cargo build --release -p takst-cli >&2 || { log "build failed"; exit 1; }
fi

if [ "$#" -ge 1 ]; then
    MODEL=$1
else
    dir="$ROOT/bench/out/tariff-80000"
    if [ "${FORCE:-0}" = 1 ] || [ ! -f "$dir/gen-info.txt" ]; then
        log "generating $dir"
        python3 "$ROOT/bench/gen.py" --out "$dir" --rows 0 --citizens 80000 --seed "$SEED" >&2 \
            || { log "gen.py failed"; exit 1; }
    fi
    MODEL="$dir/model"
fi

if [ "${SHUFFLE:-0}" = 1 ]; then
    mkdir -p "$TMP/model"
    cp "$MODEL"/takst.toml "$TMP/model/"
    for f in agreements.csv needs.csv; do
        { head -n 1 "$MODEL/$f"; tail -n +2 "$MODEL/$f" | shuf --random-source=<(yes); } > "$TMP/model/$f"
    done
    MODEL="$TMP/model"
fi

cat "$MODEL"/*.csv > /dev/null
n_agr=$(($(wc -l < "$MODEL/agreements.csv") - 1))
n_needs=$(($(wc -l < "$MODEL/needs.csv") - 1))
for _ in $(seq "$REPEAT"); do
    TAKST_TIMINGS=1 /usr/bin/time -f 'wall %e\nrss %M' \
        "$TAKST" tariff "$MODEL" --format csv --out "$TMP/tariff.csv" 2>&1 \
        | sed -n 's/^timing: \(.*\) s$/\1/p; s/^wall /wall /p; s/^rss /rss /p'
done | python3 -c '
import sys, collections
d = collections.defaultdict(list)
for line in sys.stdin:
    name, value = line.rstrip("\n").rsplit(" ", 1)
    d[name].append(float(value))
wall = sorted(d.pop("wall"))
rss = max(d.pop("rss")) / 1024
print(f"takst tariff, '"$n_agr"' agreements, '"$n_needs"' need lines, {len(wall)} runs")
print(f"wall: fastest {wall[0]:.2f} s, median {wall[len(wall) // 2]:.2f} s; peak RSS {rss:.0f} MiB")
print("median per phase (s):")
for name, v in d.items():
    if name in ("start", "command"):
        continue
    v.sort()
    print(f"  {name:34s} {v[len(v) // 2]:.3f}")
'
