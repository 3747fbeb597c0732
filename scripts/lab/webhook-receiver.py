#!/usr/bin/env python3
"""A webhook receiver for netmond's alerting tests, on loopback only.

Logs every request as one JSON line (path, headers, body, and whether the
X-Netmond-Signature header is a valid HMAC-SHA256 of "<timestamp>.<body>" under
--secret, checked here with Python's own hmac module). Modes:
  --status N            answer N (default 200)
  --fail-while FILE     answer 503 while FILE exists
  --redirect URL        answer 302 to URL
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--log", required=True)
    parser.add_argument("--secret", default="")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--fail-while", default="")
    parser.add_argument("--redirect", default="")
    args = parser.parse_args()
    if args.address not in ("127.0.0.1", "::1"):
        sys.exit("loopback only")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(length, 1 << 20))
            timestamp = self.headers.get("X-Netmond-Timestamp", "")
            signature = self.headers.get("X-Netmond-Signature", "")
            expected = "sha256=" + hmac.new(
                args.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            failing = args.fail_while and os.path.exists(args.fail_while)
            status = 503 if failing else (302 if args.redirect else args.status)
            entry = {
                "received_ms": int(time.time() * 1000),
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "signature_valid": bool(args.secret) and hmac.compare_digest(signature, expected),
                "status": status,
            }
            with open(args.log, "a") as log:
                log.write(json.dumps(entry) + "\n")
            self.send_response(status)
            if args.redirect:
                self.send_header("Location", args.redirect)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *unused):
            pass

    family = ThreadingHTTPServer
    if ":" in args.address:
        import socket

        class V6(ThreadingHTTPServer):
            address_family = socket.AF_INET6

        family = V6
    server = family((args.address, args.port), Handler)
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
