"""A real SMTP server for tests/api/delivery.rs (aiosmtpd, Debian's python3-aiosmtpd): every
message it accepts is parsed with the standard library and appended as one JSON line (envelope,
subject, Message-ID, the plain-text body decoded) to the file named on the command line.

    /usr/bin/python3 tests/smtp/capture.py PORT OUT.jsonl [CERT.pem KEY.pem]

With a certificate and key it requires STARTTLS before anything else.
"""

import email
import json
import ssl
import sys
import time
from email import policy

from aiosmtpd.controller import Controller


class Capture:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["from"]),
            "to": str(message["to"]),
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "body": message.get_body(("plain",)).get_content(),
        }
        with open(self.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted for delivery"


if __name__ == "__main__":
    port, out = int(sys.argv[1]), sys.argv[2]
    tls = {}
    if len(sys.argv) > 4:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        tls = {"tls_context": context, "require_starttls": True}
    controller = Controller(Capture(out), hostname="127.0.0.1", port=port, **tls)
    controller.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)
