#!/usr/bin/env python3
"""An SMTP server (aiosmtpd) for netmond's email tests, on loopback only.

Every accepted message is logged as one JSON line: envelope sender and recipients, the
message text, whether the session was under TLS, and the authenticated user.
  --cert/--key FILE   offer STARTTLS with this certificate and require it
  --implicit-tls      TLS from the first byte instead (SMTPS)
  --user/--password   require AUTH (PLAIN or LOGIN) with these credentials
  --login-only        offer AUTH LOGIN only
"""
import argparse
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--cert", default="")
    parser.add_argument("--key", default="")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--login-only", action="store_true", help="offer AUTH LOGIN but not PLAIN")
    args = parser.parse_args()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            entry = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace"),
                "tls": server.transport.get_extra_info("ssl_object") is not None,
                "user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            }
            with open(args.log, "a") as log:
                log.write(json.dumps(entry) + "\n")
            return "250 Message accepted"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == args.user
            and auth_data.password.decode() == args.password
        )
        # handled=False: aiosmtpd itself answers 235 or 535.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    options = dict(hostname="127.0.0.1", port=args.port)
    if args.user:
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
        if args.login_only:
            options.update(auth_exclude_mechanism=["PLAIN"])
    if context and args.implicit_tls:
        options.update(ssl_context=context)
    elif context:
        options.update(tls_context=context, require_starttls=True)
    controller = Controller(Handler(), **options)
    controller.start()
    print("listening", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
