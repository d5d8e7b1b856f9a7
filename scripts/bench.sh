#!/usr/bin/env bash
# Runs the benchmarks behind design/QUALITY.md's targets and prints one
# table. The machines are small and noisy: the comparisons that matter
# (sync vs bare insert, search vs fzf) are measured side by side in one run.
#   scripts/bench.sh            # everything (about 10 minutes)
#   scripts/bench.sh server     # only rows whose package matches
#   BENCH_SOAK=1 scripts/bench.sh   # and, last, the 10-minute WAL soak (scripts/wal-soak.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-}

# package | benchmark regexp | -benchtime | what it proves
rows=$(cat <<'ROWS'
./internal/server|BenchmarkDecisions|10000x|64 HTTP clients deciding on SQLite: saturated (>= 1,000/s), and at 1,000/s (p99 <= 50 ms)
./internal/server|BenchmarkFeedPull$|2x|pull the whole feed of 100,000 requests over HTTP
./internal/ledger|BenchmarkApplyDecisions$|10000x|ledger alone, 64 goroutines, synchronous=FULL (and PostgreSQL vs pgbench when INSTRUCT_TEST_POSTGRES is set)
./internal/ledger|BenchmarkDecisionsWithWebhook$|5000x|decisions/s with and without a webhook to write in the same commit, side by side (SQLite; PostgreSQL when INSTRUCT_TEST_POSTGRES is set)
./internal/deliver|BenchmarkDeliveries$|1000x|webhook deliveries per second to a receiver on loopback, by batch size
./internal/server|BenchmarkPostgresStreamOtherInstance$|200x|PostgreSQL: a change on instance A announced on a stream of instance B (needs INSTRUCT_TEST_POSTGRES)
./internal/replica|BenchmarkFirstSync100k$|1x|first sync of 100,000 over loopback (<= 10 s, >= 30% of bare insert)
./internal/replica|BenchmarkIncrementalSync100$|20x|incremental sync of 100 changes (<= 100 ms)
./internal/replica|BenchmarkPush1000$|3x|push 1,000 queued decisions (<= 3 s)
./internal/store|BenchmarkSearchVsFzf$|20x|search over 100,000 (<= 20 ms) vs fzf --filter, same run
./internal/store|BenchmarkKeystroke$|20x|one keystroke of search as you type: 300-row window and tab counts (<= 20 ms)
./internal/ui|BenchmarkStartToFirstFrame$|20x|TUI start to first frame, 100,000 cached (<= 150 ms)
./internal/ui|BenchmarkKey|2000x|Update+View per key at 200x50 over 100,000 (median <= 1 ms, p99 <= 4 ms)
./internal/ui|BenchmarkRendererBytesPerMove$|200x|bytes to the terminal per cursor move at 120x40 (<= 2 KB)
./internal/ui|BenchmarkStatsScreen$|10x|S over 100,000 cached: statistics computed and drawn, cold and warm (<= 100 ms)
./cmd/instruct|BenchmarkSSHCursorMove$|200x|bytes sent over SSH per cursor move at 120x40
./cmd/instruct|BenchmarkSSHSessionMemory$|1x|memory per SSH session
./cmd/instruct|BenchmarkSSHKeyLatency$|20x|SSH sessions answering keys within 50 ms
ROWS
)

out=$(mktemp)
trap 'rm -f "$out"' EXIT
while IFS='|' read -r pkg bench time what; do
  [[ -z "$filter" || "$pkg" == *"$filter"* ]] || continue
  echo "== $what" >&2
  go test -run '^$' -bench "$bench" -benchtime "$time" -timeout 30m "$pkg" 2>&1 |
    grep -E '^Benchmark' | sed "s|^|$pkg |" >>"$out" || echo "$pkg $bench FAILED" >>"$out"
done <<<"$rows"

printf '\n%-18s %-58s %s\n' "package" "benchmark" "figures"
printf '%-18s %-58s %s\n' "-------" "---------" "-------"
awk '{
  pkg=$1; sub("./internal/", "", pkg); sub("./cmd/", "", pkg); name=$2; sub(/-[0-9]+$/, "", name)
  figs=""
  for (i = 4; i + 1 <= NF; i += 2) figs = figs sprintf("%s %s  ", $i, $(i+1))
  printf "%-18s %-58s %s\n", pkg, name, figs
}' "$out"

# QUALITY.md: on PostgreSQL, the ledger's decisions per second as a ratio
# of pgbench's simple-update TPS on the same server, measured right after.
pg_rate=$(awk '/postgres\/clients=64/ { for (i = 1; i <= NF; i++) if ($(i+1) == "decisions/s") print $i }' "$out")
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -n "$pg_rate" && -n "$pgbench" ]]; then
  "$pgbench" -i -q "$INSTRUCT_TEST_POSTGRES" >/dev/null 2>&1
  tps=$("$pgbench" -N -c 64 -j 2 -T 15 "$INSTRUCT_TEST_POSTGRES" 2>/dev/null | awk '/^tps/ { print $3 }')
  awk -v r="$pg_rate" -v t="$tps" 'BEGIN { printf "\nPostgreSQL: ledger %.0f decisions/s, pgbench -N -c 64 %.0f TPS, ratio %.2f\n", r, t, r / t }'
fi

# The optional long step: ten minutes at 1,000 decisions/s, the write-ahead
# log sampled every 10 s.
if [[ "${BENCH_SOAK:-}" == 1 ]]; then
  echo
  scripts/wal-soak.sh
fi
