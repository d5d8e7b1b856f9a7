#!/usr/bin/env bash
# Soak of the SQLite ledger behind the HTTP server: a steady 1,000
# decisions/s from 64 clients while four reviewers pull the change feed
# every second, for MINUTES whole minutes (default 10). Every 10 s it prints the
# rate, the p99 latency, and the size of the write-ahead log and of the
# database: the log must stay bounded and the rate flat.
#   scripts/wal-soak.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
echo "== WAL soak: ${minutes} min at 1,000 decisions/s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
go test -run '^$' -bench '^BenchmarkDecisionSoak$' -benchtime "$((minutes * 60000))x" \
  -timeout "$((minutes + 30))m" ./internal/server | grep -vE '^(goos|goarch|pkg|cpu|PASS)'
