# Sourced by the bench scripts: makes a fresh installation in a temporary CSSS_HOME, takes its admin
# through the first password change and TOTP enrolment, and exports CSSS_SESSION for the admin.
# Needs $csss (the binary). Leaves $home (removed on exit) and $password (the admin's).
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export CSSS_HOME="$home"
password="benchmark lanterns over the bay"
once=$("$csss" init --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["one_time_password"])')
CSSS_PASSWORD="$once" CSSS_NEW_PASSWORD="$password" "$csss" user passwd --user admin >/dev/null
secret=$(CSSS_PASSWORD="$password" "$csss" user totp-enroll --user admin --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
totp_code() {  # the TOTP code $1 steps from now
  python3 - "$secret" "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1]; key = base64.b32decode(s + "=" * (-len(s) % 8))
step = int(time.time()) // 30 + int(sys.argv[2])
h = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest(); o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))
PY
}
CSSS_PASSWORD="$password" "$csss" user totp-enroll --user admin --confirm "$(totp_code 0)" >/dev/null
CSSS_SESSION=$(CSSS_PASSWORD="$password" CSSS_TOTP="$(totp_code 1)" "$csss" login --user admin)
export CSSS_SESSION
