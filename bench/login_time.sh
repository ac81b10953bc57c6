#!/usr/bin/env bash
# Times a whole `csss login` (process start, opening the store, Argon2id verification at the
# production cost, the session row, the signed token and the audit event) against the peer in the
# same run: the same process doing nothing but start and print its help.
# Usage: bench/login_time.sh [runs] [path/to/csss]   (default: .build/release/csss, else .build/debug/csss)
set -euo pipefail
runs="${1:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
csss="${2:-}"
if [[ -z "$csss" ]]; then
  csss="$root/.build/release/csss"
  [[ -x "$csss" ]] || csss="$root/.build/debug/csss"
fi
source "$root/bench/lib/admin_session.sh"
doctor_once=$("$csss" user add dr.bench --role doctor --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["one_time_password"])')
unset CSSS_SESSION
CSSS_PASSWORD="$doctor_once" CSSS_NEW_PASSWORD="violet tram at dawn, seat 42" "$csss" user passwd --user dr.bench >/dev/null

median_ms() {  # runs the command $runs times, prints the median wall time in ms
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

baseline=$(median_ms "$csss" --help)
login=$(CSSS_PASSWORD="violet tram at dawn, seat 42" median_ms "$csss" login --user dr.bench)
echo "csss --help (process start): ${baseline} ms median of ${runs}"
echo "csss login (doctor, Argon2id m=64 MiB t=3 p=1): ${login} ms median of ${runs}"
echo "login beyond process start: $((login - baseline)) ms"
