#!/usr/bin/env python3
"""A real SMTP server for CSSS's delivery tests (aiosmtpd 1.4.6), on 127.0.0.1.

usage: smtp_server.py PORT FOLDER [--tls-cert C --tls-key K [--implicit-tls]] [--auth USER:PASSWORD]
                      [--fail-first N --fail-code 451|550]

PORT 0 picks a free port. Once listening it prints `PORT <n>` on stdout. Each accepted message is
saved as FOLDER/<n>.eml (the DATA bytes exactly as received) with its envelope in FOLDER/<n>.json.
With a certificate, STARTTLS is offered and required (or, with --implicit-tls, TLS starts at once). With --auth, AUTH PLAIN/LOGIN is required
(and, with TLS on, only after STARTTLS). The first N DATA commands are answered with --fail-code.
The server exits when its stdin closes or on SIGTERM, so a test run that dies leaves nothing behind.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
import threading
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

REPLIES = {
    451: "451 4.3.0 Temporary local problem, try again later",
    550: "550 5.1.1 Mailbox unavailable",
}


class SavingHandler:
    """Saves each message, or refuses the first few DATA commands with the configured code."""

    def __init__(self, folder, fail_first, fail_code):
        self.folder = folder
        self.failures_left = fail_first
        self.fail_reply = REPLIES.get(fail_code, f"{fail_code} Refused by the test server")
        self.saved = 0

    async def handle_DATA(self, server, session, envelope):
        if self.failures_left > 0:
            self.failures_left -= 1
            return self.fail_reply
        self.saved += 1
        base = os.path.join(self.folder, str(self.saved))
        # Write the envelope first and the .eml last (via a rename), so a reader never sees half a message.
        with open(base + ".json", "w") as handle:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, handle)
        with open(base + ".eml.part", "wb") as handle:
            handle.write(envelope.content)
        os.replace(base + ".eml.part", base + ".eml")
        return "250 2.0.0 OK queued"


class FixedCredentials:
    """Accepts exactly one user name and password."""

    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            auth_data.login == self.user and auth_data.password == self.password
        # handled=False makes aiosmtpd send its own 535 reply; its default (handled) sends nothing.
        return AuthResult(success=ok, handled=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("folder")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps) instead of STARTTLS")
    parser.add_argument("--auth")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-code", type=int, default=451)
    args = parser.parse_args()
    # aiosmtpd 1.4 warns about its own use of Session.login_data on every AUTH.
    warnings.simplefilter("ignore", DeprecationWarning)
    os.makedirs(args.folder, exist_ok=True)

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)
    authenticator = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        authenticator = FixedCredentials(user, password)
    handler = SavingHandler(args.folder, args.fail_first, args.fail_code)

    def make_server():
        starttls = tls_context if not args.implicit_tls else None
        return SMTP(handler, hostname="localhost", tls_context=starttls,
                    require_starttls=starttls is not None,
                    authenticator=authenticator, auth_required=authenticator is not None,
                    auth_require_tls=tls_context is not None)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    implicit = tls_context if args.implicit_tls else None
    server = loop.run_until_complete(loop.create_server(make_server, "127.0.0.1", args.port, ssl=implicit))
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)

    loop.add_signal_handler(signal.SIGTERM, loop.stop)

    def watch_stdin():
        # EOF on stdin means the test process that started us is gone.
        while sys.stdin.buffer.read(4096):
            pass
        loop.call_soon_threadsafe(loop.stop)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
