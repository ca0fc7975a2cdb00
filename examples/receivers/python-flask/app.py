"""A webhook receiver for this platform: Flask (Debian's python3-flask) + the standard library,
and for an endpoint that signs with Ed25519 the cryptography package (python3-cryptography).

    WEBHOOK_SECRET=whsec_… PORT=4000 python3 app.py        (HMAC, v1)
    WEBHOOK_PUBLIC_KEY=whpk_… PORT=4000 python3 app.py     (Ed25519, v1a)

What it does, in order: keep the raw body, verify the Standard Webhooks signature and timestamp
(and the legacy x-webhook-signature when present, HMAC only), drop repeats of a webhook-id it has
already accepted, answer 2xx at once, then process the event on a worker thread.
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
PUBLIC_KEY_TEXT = os.environ.get("WEBHOOK_PUBLIC_KEY", "")
HOST = os.environ.get("HOST", "127.0.0.1")
DEDUP_FILE = os.environ.get("DEDUP_FILE", "./processed-ids.jsonl")
EVENTS_FILE = os.environ.get("EVENTS_FILE", "./events.jsonl")
TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 256 * 1024  # the largest body the platform sends


def fail(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)


# One credential, the one the endpoint signs with: its shared secret, or its Ed25519 public key.
if (SECRET == "") == (PUBLIC_KEY_TEXT == ""):
    fail(
        "Set exactly one of WEBHOOK_SECRET (an HMAC endpoint's signing secret, whsec_…)"
        " and WEBHOOK_PUBLIC_KEY (an Ed25519 endpoint's public key, whpk_…)"
    )
if SECRET and not SECRET.startswith("whsec_"):
    fail("WEBHOOK_SECRET must be set to the endpoint's signing secret (whsec_…)")
if SECRET:
    try:
        # Standard Webhooks key: the base64 after "whsec_", decoded.
        KEY = base64.b64decode(SECRET[len("whsec_"):], validate=True)
    except binascii.Error:
        fail("WEBHOOK_SECRET is not whsec_ followed by base64")
if PUBLIC_KEY_TEXT:
    # Only an Ed25519 receiver needs the cryptography package; the HMAC one runs without it.
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        fail(
            "WEBHOOK_PUBLIC_KEY needs the cryptography package"
            " (apt-get install python3-cryptography, or pip install cryptography)"
        )
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


# ---- Ed25519 (v1a), with the cryptography package. The docs quote these two functions word for word.


def ed25519_public_key(whpk: str):
    """The Ed25519PublicKey of a public key written as "whpk_" + standard base64 of its 32 bytes.

    Raises ValueError (binascii.Error is one) for anything else.
    """
    if not whpk.startswith("whpk_"):
        raise ValueError("expected whpk_ + base64 of 32 bytes")
    raw = base64.b64decode(whpk[len("whpk_"):], validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)  # ValueError unless it is 32 bytes


def ed25519_signature_problem(public_key, headers, body: bytes):
    """Checks a Standard Webhooks Ed25519 signature (v1a) and the timestamp (±5 minutes).

    Returns None when one v1a entry of webhook-signature is public_key's signature of
    f"{webhook-id}.{webhook-timestamp}.{body}", otherwise the reason to refuse the request.
    body is the raw bytes as received. No secret is involved, so nothing needs comparing in
    constant time: verify() either returns or raises InvalidSignature.
    """
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    if not (timestamp.isascii() and timestamp.isdigit()):
        return "invalid webhook-timestamp"
    # Too old is a replay of a captured request (or a far-off clock); too new is a forgery.
    if abs(time.time() - int(timestamp)) > 5 * 60:
        return "webhook-timestamp outside the 5 minute tolerance"

    signed = f"{msg_id}.{timestamp}.".encode() + body  # the raw bytes, exactly as received
    # Space-separated entries: two while a rotated key's grace lasts (the new key's first), and a
    # "v1," HMAC entry beside a "v1a," one while an endpoint switches from a shared secret.
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1a":
            continue
        try:
            public_key.verify(base64.b64decode(signature, validate=True), signed)
            return None
        except (ValueError, InvalidSignature):  # not base64 (binascii.Error), or not this key's
            continue
    return "no matching signature"


if PUBLIC_KEY_TEXT:
    try:
        PUBLIC_KEY = ed25519_public_key(PUBLIC_KEY_TEXT)
    except ValueError:
        fail("WEBHOOK_PUBLIC_KEY is not whpk_ followed by the standard base64 of a 32-byte Ed25519 public key")
else:
    PUBLIC_KEY = None


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

    if PUBLIC_KEY is not None:
        # Ed25519: x-webhook-signature is not checked. Such an endpoint does not send it; while it
        # switches from HMAC the header is keyed with the old shared secret, which we do not hold.
        reason = ed25519_signature_problem(PUBLIC_KEY, request.headers, body)
        if reason:
            return text(400, f"invalid webhook: {reason}")
    else:
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
