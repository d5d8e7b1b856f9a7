#!/usr/bin/env bash
# Measures the resident memory of the TUI over a cache of N requests
# (default 100,000; target <= 150 MB): seeds a demo server, syncs a cache
# as the support reporter (who sees every request), runs the real
# "instruct tui" in tmux, switches tabs, searches one letter, jumps to
# the end, and prints the process's peak and current resident memory.
#   scripts/tui-memory.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
work=$(mktemp -d)
sock="instruct-mem-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/instruct" ./cmd/instruct
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
echo "seeding $count demo requests…" >&2
"$work/instruct" serve --addr "127.0.0.1:$port" --db "$work/server.db" --demo --demo-count "$count" \
  >"$work/tokens" 2>"$work/server.log" &
server=$!
until curl -fs "$url/healthz" >/dev/null 2>&1; do sleep 1; done
token=$(awk '/julien.moreau/ {print $NF}' "$work/tokens")
conn=(--server "$url" --token "$token" --cache "$work/cache.db")
echo "first sync…" >&2
"$work/instruct" sync "${conn[@]}" >&2

tmux -L "$sock" new-session -d -x 200 -y 50 "exec $work/instruct tui ${conn[*]} --lang en"
pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
until tmux -L "$sock" capture-pane -p | grep -q '▶ D'; do sleep 0.2; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
start=$(rss)
for _ in 1 2 3 4 5 6; do tmux -L "$sock" send-keys Tab; sleep 0.4; done
tmux -L "$sock" send-keys / c; sleep 1.5
tmux -L "$sock" send-keys a; sleep 1
tmux -L "$sock" send-keys Escape G; sleep 1
for _ in 1 2 3 4 5 6; do tmux -L "$sock" send-keys Tab; sleep 0.3; done
printf '%-40s %8s\n' "instruct tui over $count requests" "MB"
printf '%-40s %8d\n' "resident at first frame" $((start / 1024))
printf '%-40s %8d\n' "resident after tabs, search, G" $(($(rss) / 1024))
printf '%-40s %8d\n' "peak resident (VmHWM)" $(($(awk '/VmHWM/ {print $2}' "/proc/$pid/status") / 1024))
