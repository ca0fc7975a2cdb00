/**
 * Example values and code samples for the webhook docs. The example headers and signatures are
 * computed by the real signing code at render time, so they always match what we send.
 */
import { EVENT_CATALOGUE, MAX_PAYLOAD_BYTES, serializeEnvelope, type WebhookEnvelope } from "@/lib/webhooks/events";
import { buildWebhookHeaders } from "@/lib/webhooks/sign";
import { publicKeyOf } from "@/lib/webhooks/signing-keys";

/** A made-up secret for the worked example: `whsec_` + base64 of 32 bytes, like a real one. */
export const EXAMPLE_SECRET = "whsec_ZG9jcyBleGFtcGxlIHNlY3JldDogZG8gbm90IHVzZSE=";
/** A second made-up secret, standing for the previous one during a rotation. */
export const EXAMPLE_PREVIOUS_SECRET = "whsec_dGhlIHByZXZpb3VzIGRvY3MgZXhhbXBsZSBzZWNyZXQ=";
export const EXAMPLE_DELIVERY_ID = "msg_01m8h33makf22b6xqmathnmgc0";
const EXAMPLE_EVENT_TIME = new Date("2026-01-15T09:30:00.000Z");

const exampleDefinition = EVENT_CATALOGUE.find((definition) => definition.name === "invoice.paid") ?? EVENT_CATALOGUE[0]!;

export const EXAMPLE_ENVELOPE: WebhookEnvelope = {
  event: exampleDefinition.name,
  idempotencyKey: "invoice-inv_123-paid",
  timestamp: EXAMPLE_EVENT_TIME.toISOString(),
  data: exampleDefinition.example,
};

/** The body exactly as it goes over the wire: compact JSON, no whitespace. */
export const EXAMPLE_BODY = serializeEnvelope(EXAMPLE_ENVELOPE);

/** The headers of the first attempt (sent at the moment the event happened). */
export const EXAMPLE_HEADERS = buildWebhookHeaders({
  messageId: EXAMPLE_DELIVERY_ID,
  eventType: EXAMPLE_ENVELOPE.event,
  eventTimestamp: EXAMPLE_ENVELOPE.timestamp,
  body: EXAMPLE_BODY,
  secrets: [EXAMPLE_SECRET],
  attemptAt: EXAMPLE_EVENT_TIME,
});

/** The same attempt while a rotated secret's grace period lasts: new secret first, then the old one. */
export const EXAMPLE_ROTATION_SIGNATURE = buildWebhookHeaders({
  messageId: EXAMPLE_DELIVERY_ID,
  eventType: EXAMPLE_ENVELOPE.event,
  eventTimestamp: EXAMPLE_ENVELOPE.timestamp,
  body: EXAMPLE_BODY,
  secrets: [EXAMPLE_SECRET, EXAMPLE_PREVIOUS_SECRET],
  attemptAt: EXAMPLE_EVENT_TIME,
})["webhook-signature"];

/**
 * A made-up Ed25519 private key for the Ed25519 worked example: `whsk_` + base64 of a 32-byte
 * seed, like a real one. Only its public key and signature are shown.
 */
const EXAMPLE_ED25519_PRIVATE_KEY = `whsk_${Buffer.from("docs example Ed25519 key: unused", "utf8").toString("base64")}`;
/** Its public key, `whpk_…`: what a receiver of an Ed25519 endpoint holds. */
export const EXAMPLE_PUBLIC_KEY = publicKeyOf(EXAMPLE_ED25519_PRIVATE_KEY);

/** The headers of the same first attempt for an endpoint that signs with that key pair: a `v1a` entry, no x-webhook-signature. */
export const EXAMPLE_ED25519_HEADERS = buildWebhookHeaders({
  messageId: EXAMPLE_DELIVERY_ID,
  eventType: EXAMPLE_ENVELOPE.event,
  eventTimestamp: EXAMPLE_ENVELOPE.timestamp,
  body: EXAMPLE_BODY,
  secrets: [EXAMPLE_ED25519_PRIVATE_KEY],
  attemptAt: EXAMPLE_EVENT_TIME,
});

/** Pretty-printed JSON for display only (never how a body is sent). */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** express.raw's `limit`, large enough for the biggest body we send. */
const EXPRESS_LIMIT = `${Math.ceil(MAX_PAYLOAD_BYTES / 1024)}kb`;

export const STANDARD_NODE_SNIPPET = `import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.WEBHOOK_SECRET); // the whole "whsec_…" string

// rawBody: the request body exactly as received (string or Buffer), never re-serialised JSON.
// headers: an object holding webhook-id, webhook-timestamp and webhook-signature.
// Returns the parsed JSON; throws WebhookVerificationError for a bad signature or a
// timestamp more than 5 minutes away from now.
const event = webhook.verify(rawBody, headers);`;

export const STANDARD_PYTHON_SNIPPET = `import os

from flask import request
from standardwebhooks.webhooks import Webhook

webhook = Webhook(os.environ["WEBHOOK_SECRET"])  # the whole "whsec_…" string

# Raw body bytes and the request headers; returns the parsed JSON or raises
# WebhookVerificationError (bad signature, or timestamp more than 5 minutes away).
event = webhook.verify(request.get_data(), request.headers)`;

export const LEGACY_NODE_SNIPPET = `import crypto from "node:crypto";

/** True when x-webhook-signature is the hex HMAC-SHA256 of the raw body under \`secret\`. */
function verifyLegacySignature(rawBody, signatureHeader, secret) {
  // The key is the whole secret string, "whsec_" prefix included, as UTF-8: not decoded.
  const expected = crypto.createHmac("sha256", secret).update(rawBody).digest();
  const received = Buffer.from(signatureHeader ?? "", "hex");
  return received.length === expected.length && crypto.timingSafeEqual(received, expected);
}`;

export const LEGACY_PYTHON_SNIPPET = `import hashlib
import hmac


def verify_legacy_signature(body: bytes, signature_header, secret: str) -> bool:
    """True when x-webhook-signature is the hex HMAC-SHA256 of the raw body under secret."""
    # The key is the whole secret string, "whsec_" prefix included, as UTF-8: not decoded.
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), (signature_header or "").lower().encode())`;

/**
 * Ed25519 (v1a) verification with node:crypto alone: the two functions exactly as they are in
 * examples/receivers/node-express/server.js, which runs them against real deliveries in the test
 * suite (a test checks the two are the same text).
 */
export const ED25519_NODE_VERIFY = `/**
 * The node:crypto key of an Ed25519 endpoint's public key: "whpk_" followed by the standard
 * base64 of the raw 32-byte key. Throws for anything else. node:crypto reads a raw key only
 * inside a DER structure, so the 32 bytes go after the fixed SPKI header of an Ed25519 key.
 */
function ed25519PublicKey(whpk) {
  const encoded = whpk.startsWith("whpk_") ? whpk.slice("whpk_".length) : "";
  const raw = Buffer.from(encoded, "base64");
  if (raw.length !== 32 || raw.toString("base64") !== encoded) throw new Error("expected whpk_ + base64 of 32 bytes");
  const spkiHeader = Buffer.from("302a300506032b6570032100", "hex"); // RFC 8410: id-Ed25519, a 32-byte key
  return crypto.createPublicKey({ key: Buffer.concat([spkiHeader, raw]), format: "der", type: "spki" });
}

/**
 * Checks a Standard Webhooks Ed25519 signature (v1a) and its timestamp. Returns null when the
 * request is genuine, otherwise the reason to refuse it.
 *   headers: the request's headers, names in lower case (Node's req.headers);
 *   rawBody: a Buffer of the body exactly as received, never re-serialised JSON.
 * The signed bytes are "{webhook-id}.{webhook-timestamp}." followed by the body. No secret is
 * involved, so there is nothing to compare in constant time: crypto.verify says yes or no.
 */
function verifyEd25519Webhook(publicKey, headers, rawBody) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) return "missing webhook-id, webhook-timestamp or webhook-signature";
  if (!/^\\d{1,15}$/.test(timestamp)) return "invalid webhook-timestamp";
  // Too old is a replay of a captured request (or a far-off clock); too new is a forgery.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) return "webhook-timestamp outside the 5 minute tolerance";

  const signed = Buffer.concat([Buffer.from(\`\${id}.\${timestamp}.\`, "utf8"), rawBody]);
  // Space-separated entries: two while a rotated key's grace lasts (the new key's first), and a
  // "v1," HMAC entry beside a "v1a," one while an endpoint switches from a shared secret.
  for (const entry of signatures.split(" ")) {
    if (!entry.startsWith("v1a,")) continue;
    const signature = Buffer.from(entry.slice("v1a,".length), "base64");
    if (signature.length === 64 && crypto.verify(null, signed, publicKey, signature)) return null;
  }
  return "no matching signature";
}`;

export const ED25519_NODE_SNIPPET = `import crypto from "node:crypto";

${ED25519_NODE_VERIFY}

// At start: the endpoint's public key, "whpk_…".
const publicKey = ed25519PublicKey(process.env.WEBHOOK_PUBLIC_KEY);

// In the handler, with the raw body (express.raw()): null means genuine.
const problem = verifyEd25519Webhook(publicKey, req.headers, req.body);
if (problem) return res.status(400).send(\`invalid webhook: \${problem}\`);`;

/**
 * Ed25519 (v1a) verification with the cryptography package (Debian's python3-cryptography 38 has
 * all it uses): the two functions exactly as they are in examples/receivers/python-flask/app.py,
 * which runs them against real deliveries in the test suite (a test checks the two are the same text).
 */
export const ED25519_PYTHON_VERIFY = `def ed25519_public_key(whpk: str):
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
    return "no matching signature"`;

export const ED25519_PYTHON_SNIPPET = `import base64
import os
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import request


${ED25519_PYTHON_VERIFY}


# At start: the endpoint's public key, "whpk_…".
public_key = ed25519_public_key(os.environ["WEBHOOK_PUBLIC_KEY"])

# In the Flask view, with the raw body bytes: None means genuine.
reason = ed25519_signature_problem(public_key, request.headers, request.get_data())
if reason:
    return f"invalid webhook: {reason}", 400`;

export const NODE_RECEIVER = `// npm install express standardwebhooks
import express from "express";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

const webhook = new Webhook(process.env.WEBHOOK_SECRET); // "whsec_…" from the endpoint's settings
const app = express();

// webhook-ids already accepted. In production: a table with a unique index, kept for weeks.
const seen = new Set();

app.post(
  "/webhooks",
  // The raw bytes, not parsed JSON: the signature covers exactly the body that was sent.
  express.raw({ type: "application/json", limit: "${EXPRESS_LIMIT}" }),
  (req, res) => {
    let event;
    try {
      event = webhook.verify(req.body, req.headers); // signature + timestamp within 5 minutes
    } catch (error) {
      if (error instanceof WebhookVerificationError) return res.status(400).send("invalid signature");
      throw error;
    }

    const id = req.header("webhook-id"); // the same on every retry of this delivery
    if (seen.has(id)) return res.sendStatus(204); // already accepted: answer 2xx again
    seen.add(id);

    // Answer first, work afterwards: a slow answer counts as a failure and is retried.
    // In production put the event on a durable queue before answering.
    res.sendStatus(204);
    setImmediate(() => handleEvent(event).catch((error) => console.error("webhook", id, error)));
  },
);

async function handleEvent(event) {
  switch (event.event) {
    case "invoice.paid":
      console.log("invoice paid", event.data.invoiceId, "at", event.timestamp);
      break;
    default:
    // Event types you do not handle: ignore them (they were answered 2xx above).
  }
}

app.listen(Number(process.env.PORT ?? 3000));
`;

export const PYTHON_RECEIVER = `# pip install flask   (Python 3.9+)
import base64
import hashlib
import hmac
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, request

SECRET = os.environ["WEBHOOK_SECRET"]  # "whsec_…" from the endpoint's settings
TOLERANCE_SECONDS = 5 * 60

app = Flask(__name__)
executor = ThreadPoolExecutor(max_workers=4)
seen = set()  # webhook-ids already accepted; in production a table with a unique index


def verify(secret: str, headers, body: bytes) -> bool:
    """Standard Webhooks check: True when one v1 entry of webhook-signature matches."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - sent_at) > TOLERANCE_SECONDS:
        return False  # too old or too new: a replay, or a clock that is far off

    key = base64.b64decode(secret.removeprefix("whsec_"))  # the key is the decoded part
    signed = f"{msg_id}.{timestamp}.".encode() + body  # = f"{id}.{timestamp}.{body}" as bytes
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for entry in signatures.split(" "):  # two entries while a rotated secret's grace lasts
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return True
    return False


@app.post("/webhooks")
def receive():
    body = request.get_data()  # the raw bytes; never json.dumps(request.json)
    if not verify(SECRET, request.headers, body):
        return "invalid signature", 400

    msg_id = request.headers["webhook-id"]  # the same on every retry of this delivery
    if msg_id in seen:
        return "", 204  # already accepted: answer 2xx again
    seen.add(msg_id)

    # Answer first, work afterwards. In production use a durable queue instead.
    executor.submit(handle_event, json.loads(body))
    return "", 204


def handle_event(event: dict) -> None:
    if event["event"] == "invoice.paid":
        print("invoice paid", event["data"]["invoiceId"], "at", event["timestamp"])
    # Event types you do not handle: ignore them (they were answered 2xx above).
`;
