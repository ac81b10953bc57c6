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
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export CSSS_HOME="$home"

once=$("$csss" init --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["one_time_password"])')
CSSS_PASSWORD="$once" CSSS_NEW_PASSWORD="benchmark lanterns over the bay" "$csss" user passwd --user admin >/dev/null
# A doctor has no second factor, so every run is the same work: one Argon2id verification.
export CSSS_PASSWORD="benchmark lanterns over the bay"
secret=$("$csss" user totp-enroll --user admin --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
code() {
  python3 - "$secret" "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1]; key = base64.b32decode(s + "=" * (-len(s) % 8))
step = int(time.time()) // 30 + int(sys.argv[2])
h = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest(); o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))
PY
}
"$csss" user totp-enroll --user admin --confirm "$(code 0)" >/dev/null
export CSSS_SESSION=$(CSSS_TOTP="$(code 1)" "$csss" login --user admin)
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
