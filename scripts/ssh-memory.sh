#!/usr/bin/env bash
# Measures the resident memory of "instruct ssh-serve" over a database of N
# requests (default 100,000) as real OpenSSH clients connect: 1, then 10,
# then 50 sessions (or the counts given), each of a distinct support
# agent holding a distinct set of roles (a distinct subset of the
# catalogue's APIs, reporters and instructors in turn). Each session runs
# in tmux at 120x40 and is counted once its queue shows. Prints the
# server's resident memory at each step and what each added session cost.
#   scripts/ssh-memory.sh [N] [SESSIONS...]
#   INSTRUCT_BIN=/path/to/instruct scripts/ssh-memory.sh 100000 1 2   # another build, to compare
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
shift || true
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(1 10 50)
users=${stages[-1]}
work=$(mktemp -d)
sock="instruct-sshmem-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  for p in ${seed:-} ${server:-}; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

bin=${INSTRUCT_BIN:-}
if [ -z "$bin" ]; then
  go build -o "$work/instruct" ./cmd/instruct
  bin="$work/instruct"
fi
db="$work/server.db"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "seeding $count demo requests…" >&2
port=$(free_port)
"$bin" serve --addr "127.0.0.1:$port" --db "$db" --demo --demo-count "$count" >/dev/null 2>"$work/seed.log" &
seed=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 1; done
kill "$seed" && wait "$seed" 2>/dev/null || true
seed=

echo "adding $users support agents with distinct role sets…" >&2
defs=(api_particulier api_entreprise api_impot_particulier france_connect api_droits_cnam
  api_indemnites_journalieres_cnam api_scolarite hubee_dila pro_connect_service_provider)
for i in $(seq 1 "$users"); do
  role=reporter
  [ $((i % 2)) -eq 0 ] && role=instructor
  grants=()
  for b in "${!defs[@]}"; do
    if [ $(((i >> b) & 1)) -eq 1 ]; then grants+=(--role "${defs[$b]}:$role"); fi
  done
  email="agent$i@support.example.gouv.fr"
  ssh-keygen -t ed25519 -N '' -q -C "agent$i" -f "$work/key$i"
  "$bin" admin user add --db "$db" --email "$email" --name "Agent $i" "${grants[@]}" >/dev/null
  "$bin" admin ssh-key add --db "$db" --email "$email" --key "$(cat "$work/key$i.pub")" >/dev/null
done

"$bin" ssh-serve --db "$db" --addr 127.0.0.1:0 2>"$work/ssh.log" &
server=$!
until grep -q '"ssh serving"' "$work/ssh.log"; do sleep 0.5; done
sshport=$(grep -o '"msg":"ssh serving","addr":"[^"]*"' "$work/ssh.log" | sed 's/.*:\([0-9]*\)"$/\1/')
if grep -q 'ssh read model ready' "$bin"; then
  echo "first sync of the read model…" >&2
  until grep -q '"ssh read model ready"' "$work/ssh.log"; do sleep 1; done
fi
sleep 3
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$server/status"; }
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server/status"; }

tmux -L "$sock" new-session -d -s mem -x 120 -y 40 "exec cat"
# connect opens session i in a window of its own and waits for its queue.
connect() {
  local i=$1
  tmux -L "$sock" new-window -d -t mem -n "s$i" "exec ssh -tt -p $sshport -i $work/key$i \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR agent@127.0.0.1"
  local waited=0
  until tmux -L "$sock" capture-pane -p -t "mem:s$i" | grep -q '▶ D'; do
    sleep 0.2
    waited=$((waited + 1))
    if [ "$waited" -gt 3000 ]; then
      echo "session $i shows no queue after 10 minutes" >&2
      exit 1
    fi
  done
}

printf '%-44s %10s %14s\n' "ssh-serve over $count requests" "RSS MB" "MB per session"
base=$(rss)
printf '%-44s %10d %14s\n' "no session (read model loaded)" "$base" "-"
open=0
last=$base
for stage in "${stages[@]}"; do
  while [ "$open" -lt "$stage" ]; do
    open=$((open + 1))
    connect "$open"
  done
  sleep 3
  now=$(rss)
  printf '%-44s %10d %14s\n' "$stage distinct users connected" "$now" \
    "$(awk -v a="$now" -v b="$last" -v n="$((stage - ${prev:-0}))" 'BEGIN { printf "%.1f", (a - b) / n }')"
  last=$now
  prev=$stage
done
printf '%-44s %10d\n' "peak resident (VmHWM)" "$(hwm)"
