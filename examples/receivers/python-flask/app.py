"""A webhook receiver for this platform: Flask (Debian's python3-flask) + the standard library.

    WEBHOOK_SECRET=whsec_… PORT=4000 python3 app.py

What it does, in order: keep the raw body, verify the Standard Webhooks signature and timestamp
(and the legacy x-webhook-signature when present), drop repeats of a webhook-id it has already
accepted, answer 2xx at once, then process the event on a worker thread.
"""
import base64
import binascii
import hashlib
import hmac
import json
import os
import queue
import sys
import threading
import time
from datetime import datetime, timezone

from flask import Flask, Response, request
from werkzeug.serving import make_server

SECRET = os.environ.get("WEBHOOK_SECRET", "")
HOST = os.environ.get("HOST", "127.0.0.1")
DEDUP_FILE = os.environ.get("DEDUP_FILE", "./processed-ids.jsonl")
EVENTS_FILE = os.environ.get("EVENTS_FILE", "./events.jsonl")
TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 256 * 1024  # the largest body the platform sends


def fail(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)


if not SECRET.startswith("whsec_"):
    fail("WEBHOOK_SECRET must be set to the endpoint's signing secret (whsec_…)")
try:
    # Standard Webhooks key: the base64 after "whsec_", decoded.
    KEY = base64.b64decode(SECRET[len("whsec_"):], validate=True)
except binascii.Error:
    fail("WEBHOOK_SECRET is not whsec_ followed by base64")
try:
    PORT = int(os.environ.get("PORT", "4000"))
except ValueError:
    PORT = -1
if not 0 <= PORT <= 65535:
    fail("PORT must be a port number (0 picks a free one)")


# ---- Signatures


def standard_signature_match(headers, body: bytes):
    """Checks webhook-signature over f"{id}.{timestamp}.{body}" and the timestamp (±5 minutes).

    Returns (None, index of the v1 entry that matched) or (reason, None). The comparison is
    constant-time (hmac.compare_digest) so response timing does not reveal how much matched.
    """
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return "missing webhook-id, webhook-timestamp or webhook-signature", None
    try:
        sent_at = int(timestamp)
    except ValueError:
        return "invalid webhook-timestamp", None
    # Too old is a replay of a captured request (or a far-off clock); too new is a forgery.
    if abs(time.time() - sent_at) > TOLERANCE_SECONDS:
        return "webhook-timestamp outside the 5 minute tolerance", None

    signed = f"{msg_id}.{timestamp}.".encode() + body  # the raw bytes, exactly as received
    expected = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest())
    # Several entries while a rotated secret's grace lasts: the newest secret's comes first.
    for index, entry in enumerate(signatures.split(" ")):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return None, index
    return "no matching signature", None


def legacy_signature_ok(body: bytes, signature_header: str) -> bool:
    """True when x-webhook-signature is the hex HMAC-SHA256 of the raw body.

    The key is the whole secret string, "whsec_" prefix included, as UTF-8: not decoded.
    """
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature_header.lower().encode())


# ---- De-duplication on webhook-id, kept in an append-only file so it survives restarts.
# Every retry and every redelivery of one delivery carries the same webhook-id. In production:
# a table with a unique index on webhook-id, written in the same transaction as the work item.


def load_accepted_ids(path: str) -> set:
    ids = set()
    try:
        with open(path, encoding="utf-8") as file:
            for line in file:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # an empty line, or one torn by a crash mid-write: never answered 2xx
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    ids.add(record["id"])
    except FileNotFoundError:
        pass
    return ids


accepted = load_accepted_ids(DEDUP_FILE)
accepted_lock = threading.Lock()  # the server is threaded: check, add and append as one step


def accept_once(msg_id: str) -> bool:
    """Records msg_id; False when it was already accepted. Raises OSError if it cannot be stored."""
    with accepted_lock:
        if msg_id in accepted:
            return False
        record = {"id": msg_id, "acceptedAt": datetime.now(timezone.utc).isoformat()}
        with open(DEDUP_FILE, "a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")
        accepted.add(msg_id)
        return True


# ---- Background processing: one worker thread, FIFO.

jobs: "queue.Queue[tuple[str, dict]]" = queue.Queue()


def handle_event(msg_id: str, event: dict) -> None:
    # Your work goes here. This example appends the event to EVENTS_FILE.
    with open(EVENTS_FILE, "a", encoding="utf-8") as file:
        file.write(json.dumps({"webhookId": msg_id, "event": event}) + "\n")
    print(json.dumps({"processed": msg_id, "type": event.get("event")}), flush=True)


def worker() -> None:
    while True:
        msg_id, event = jobs.get()
        try:
            handle_event(msg_id, event)
        except Exception as error:  # keep the worker alive; log the id, never the payload
            print(json.dumps({"processingFailed": msg_id, "error": str(error)}), file=sys.stderr, flush=True)


app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES


def text(status: int, message: str) -> Response:
    return Response(message, status=status, mimetype="text/plain")


@app.post("/webhooks")
def receive():
    if request.mimetype != "application/json":
        return text(415, "expected application/json")
    # Flask 3 enforces MAX_CONTENT_LENGTH in get_data(); Debian 12's Flask 2.2 does not.
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return text(413, "body too large")
    # The raw bytes. Never json.dumps(request.json): re-serialising changes the bytes
    # (", " and ": " separators, \u00eb for ë, 1.0 vs 1, key order) and the signature with them.
    body = request.get_data()

    reason, matched = standard_signature_match(request.headers, body)
    if reason:
        return text(400, f"invalid webhook: {reason}")

    # The platform signs x-webhook-signature with its newest secret only (the first entry). A
    # receiver still holding the previous secret during a rotation matched a later entry and
    # cannot check it; the Standard signature above already covers the same bytes.
    legacy = request.headers.get("x-webhook-signature")
    if legacy is not None and matched == 0 and not legacy_signature_ok(body, legacy):
        return text(400, "invalid x-webhook-signature")

    try:
        event = json.loads(body)
    except ValueError:
        return text(400, "body is not JSON")

    # Only a verified request may touch the dedupe store: otherwise anyone could burn ids.
    msg_id = request.headers["webhook-id"]
    try:
        if not accept_once(msg_id):
            return {"duplicate": True}, 200  # still 2xx: stop the retries
    except OSError as error:
        print(json.dumps({"dedupWriteFailed": str(error)}), file=sys.stderr, flush=True)
        return text(500, "could not record the delivery; retry later")

    # Answer first, work afterwards: a slow answer counts as a failed attempt and is retried.
    jobs.put((msg_id, event))
    return "", 204


if __name__ == "__main__":
    threading.Thread(target=worker, daemon=True).start()
    server = make_server(HOST, PORT, app, threaded=True)
    # One JSON line with the actual port, so a script started with PORT=0 can find it.
    print(json.dumps({"listening": server.server_port}), flush=True)
    server.serve_forever()
