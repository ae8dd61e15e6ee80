"""A recording SMS gateway for scripts/cluster and scripts/soak: answers 200 at once and writes
every request's idempotency key and body, one JSON line each, to the file given.

    python3 scripts/recording-gateway.py PORT FILE
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, path = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
out = open(path, "a", encoding="utf-8")


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        line = {"idempotency_key": self.headers.get("Idempotency-Key"), "body": json.loads(body)}
        with lock:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Hook).serve_forever()
