#!/usr/bin/env python3
"""A fake of Twilio's Messages API for CSSS's tests.

Listens on 127.0.0.1 (port 0 unless --port), prints `PORT <n>` once listening, and exits when its stdin
closes or on SIGTERM, so a test that dies cannot leave it running.

POST /2010-04-01/Accounts/<sid>/Messages.json
    Basic auth must be --account/--token (else 401, code 20003). `To` must start with `whatsapp:+`
    (else 400, code 21211). A repeated Idempotency-Key returns the first answer's SID again (201).
    Every request is appended to --log as one JSON line: path, headers, form fields, status, sid,
    duplicate.
POST /control
    {"fail": N, "status": 503, "code": 20500, "message": "..."}: fail the next N message requests.
    {"hang": SECONDS}: sleep that long before answering the next message request.
"""

import argparse
import base64
import json
import re
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")


class State:
    """What the server remembers between requests; one lock guards it all."""

    def __init__(self, account, token, log_path):
        self.account = account
        self.token = token
        self.log_path = log_path
        self.lock = threading.Lock()
        self.sids_by_key = {}
        self.failures = []  # one pending error dict per request still to fail
        self.hang_seconds = 0.0

    def log(self, record):
        if not self.log_path:
            return
        with self.lock, open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")


def twilio_error(status, code, message):
    return status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None

    def log_message(self, format, *args):  # keep the test output quiet
        pass

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self):
        body = self.read_body()
        if self.path == "/control":
            self.control(json.loads(body or b"{}"))
            return
        match = MESSAGES_PATH.match(self.path)
        if not match:
            self.reply(*twilio_error(404, 20404, f"The requested resource {self.path} was not found"))
            return
        self.message(match.group(1), body)

    def control(self, command):
        state = self.state
        with state.lock:
            if "fail" in command:
                error = {
                    "status": int(command.get("status", 503)),
                    "code": int(command.get("code", 20500)),
                    "message": command.get("message", "Service unavailable"),
                }
                state.failures = [error] * int(command["fail"])
            if "hang" in command:
                state.hang_seconds = float(command["hang"])
        self.reply(200, {"ok": True})

    def message(self, account, body):
        state = self.state
        with state.lock:
            hang, state.hang_seconds = state.hang_seconds, 0.0
        if hang:
            time.sleep(hang)
        fields = {name: values[0] for name, values in parse_qs(body.decode(), keep_blank_values=True).items()}
        key = self.headers.get("Idempotency-Key")
        record = {
            "path": self.path,
            "account": account,
            "headers": {name: value for name, value in self.headers.items()},
            "fields": fields,
            "idempotency_key": key,
            "duplicate": False,
        }
        status, payload = self.answer(account, fields, key)
        record["status"] = status
        record["sid"] = payload.get("sid")
        record["duplicate"] = payload.pop("_duplicate", False)
        state.log(record)
        self.reply(status, payload)

    def answer(self, account, fields, key):
        state = self.state
        if not self.authorised(account):
            return twilio_error(401, 20003, "Authenticate")
        with state.lock:
            if state.failures:
                error = state.failures.pop(0)
                return twilio_error(error["status"], error["code"], error["message"])
            if key and key in state.sids_by_key:
                return 201, dict(state.sids_by_key[key], _duplicate=True)
        to = fields.get("To", "")
        if not to.startswith("whatsapp:+"):
            return twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        sent = {
            "sid": "SM" + secrets.token_hex(16),
            "status": "queued",
            "to": to,
            "from": fields.get("From"),
            "body": fields.get("Body"),
            "account_sid": account,
        }
        with state.lock:
            if key:
                # Two racing requests with one key keep the first SID, as Twilio does.
                sent = state.sids_by_key.setdefault(key, sent)
        return 201, dict(sent)

    def authorised(self, account):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic ") or account != self.state.account:
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == self.state.account and password == self.state.token


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--account", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--log")
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()

    Handler.state = State(options.account, options.token, options.log)
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    # The parent holds our stdin open for as long as it wants us: EOF means it is gone.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
