// A webhook receiver for this platform: Express 5 + the standardwebhooks package, or node:crypto
// alone for an endpoint that signs with Ed25519.
//
//   npm install && WEBHOOK_SECRET=whsec_… PORT=4000 node server.js        (HMAC, v1)
//   npm install && WEBHOOK_PUBLIC_KEY=whpk_… PORT=4000 node server.js     (Ed25519, v1a)
//
// What it does, in order: keep the raw body, verify the Standard Webhooks signature and
// timestamp (and the legacy x-webhook-signature when present, HMAC only), drop repeats of a
// webhook-id it has already accepted, answer 2xx at once, then process the event in the background.
import crypto from "node:crypto";
import fs from "node:fs";
import express from "express";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

const SECRET = process.env.WEBHOOK_SECRET ?? "";
const PUBLIC_KEY = process.env.WEBHOOK_PUBLIC_KEY ?? "";
const PORT = Number(process.env.PORT ?? 4000);
const HOST = process.env.HOST ?? "127.0.0.1";
const DEDUP_FILE = process.env.DEDUP_FILE ?? "./processed-ids.jsonl";
const EVENTS_FILE = process.env.EVENTS_FILE ?? "./events.jsonl";
/** The largest body the platform sends is 256 KiB. */
const BODY_LIMIT = "256kb";

// One credential, the one the endpoint signs with: its shared secret, or its Ed25519 public key.
if ((SECRET === "") === (PUBLIC_KEY === "")) {
  console.error(
    "Set exactly one of WEBHOOK_SECRET (an HMAC endpoint's signing secret, whsec_…) and WEBHOOK_PUBLIC_KEY (an Ed25519 endpoint's public key, whpk_…)",
  );
  process.exit(1);
}
if (SECRET !== "" && !SECRET.startsWith("whsec_")) {
  console.error("WEBHOOK_SECRET must be set to the endpoint's signing secret (whsec_…)");
  process.exit(1);
}
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error("PORT must be a port number (0 picks a free one)");
  process.exit(1);
}

// HMAC: the key is the base64 after "whsec_"; the library decodes it. It also refuses a
// timestamp more than 5 minutes away from now, so a captured request cannot be replayed later.
let webhook;
// Ed25519: the node:crypto key made from "whpk_…" once, at start (see ed25519PublicKey below).
let publicKey;
if (SECRET !== "") {
  try {
    webhook = new Webhook(SECRET);
  } catch {
    console.error("WEBHOOK_SECRET is not whsec_ followed by base64");
    process.exit(1);
  }
} else {
  try {
    publicKey = ed25519PublicKey(PUBLIC_KEY);
  } catch {
    console.error("WEBHOOK_PUBLIC_KEY is not whpk_ followed by the standard base64 of a 32-byte Ed25519 public key");
    process.exit(1);
  }
}

// ---- De-duplication on webhook-id, kept in an append-only file so it survives restarts.
// Every retry and every redelivery of one delivery carries the same webhook-id.
// In production: a table with a unique index on webhook-id, written in the same transaction
// as the work item, and pruned after a few weeks.

/** Ids already accepted, loaded from DEDUP_FILE (one JSON object per line). */
function loadAcceptedIds(file) {
  const ids = new Set();
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  for (const line of text.split("\n")) {
    try {
      const record = JSON.parse(line);
      if (typeof record?.id === "string") ids.add(record.id);
    } catch {
      // An empty line, or a line torn by a crash mid-write: that id was never answered 2xx.
    }
  }
  return ids;
}

const accepted = loadAcceptedIds(DEDUP_FILE);

// ---- Background processing: one FIFO chain, so events are handled in arrival order.
let queue = Promise.resolve();
function enqueue(job) {
  queue = queue.then(job).catch((error) => console.error(JSON.stringify({ processingFailed: error.message })));
}

async function handleEvent(webhookId, event) {
  // Your work goes here. This example appends the event to EVENTS_FILE.
  await fs.promises.appendFile(EVENTS_FILE, JSON.stringify({ webhookId, event }) + "\n");
  console.log(JSON.stringify({ processed: webhookId, type: event.event }));
}

// ---- Signatures

/**
 * True when x-webhook-signature is the hex HMAC-SHA256 of the raw body. The key is the whole
 * secret string, "whsec_" prefix included, as UTF-8 (not decoded). Compared in constant time so
 * response timing does not reveal how many bytes matched.
 */
function verifyLegacySignature(rawBody, signatureHeader, secret) {
  const expected = crypto.createHmac("sha256", secret).update(rawBody).digest();
  const received = Buffer.from(signatureHeader, "hex");
  return received.length === expected.length && crypto.timingSafeEqual(received, expected);
}

/**
 * True when our secret produced the FIRST entry of webhook-signature. The platform signs
 * x-webhook-signature with its newest secret only, which is the first entry; while a rotation's
 * grace period lasts, a receiver still holding the previous secret matches the second entry and
 * cannot check the legacy header (it already verified the Standard one).
 */
function holdsNewestSecret(headers, body) {
  const first = String(headers["webhook-signature"]).split(" ")[0] ?? "";
  const ours = webhook.sign(String(headers["webhook-id"]), new Date(parseInt(String(headers["webhook-timestamp"]), 10) * 1000), body);
  return first.length === ours.length && crypto.timingSafeEqual(Buffer.from(first), Buffer.from(ours));
}

// ---- Ed25519 (v1a), node:crypto only. The docs quote these two functions word for word.

/**
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
  if (!/^\d{1,15}$/.test(timestamp)) return "invalid webhook-timestamp";
  // Too old is a replay of a captured request (or a far-off clock); too new is a forgery.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) return "webhook-timestamp outside the 5 minute tolerance";

  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), rawBody]);
  // Space-separated entries: two while a rotated key's grace lasts (the new key's first), and a
  // "v1," HMAC entry beside a "v1a," one while an endpoint switches from a shared secret.
  for (const entry of signatures.split(" ")) {
    if (!entry.startsWith("v1a,")) continue;
    const signature = Buffer.from(entry.slice("v1a,".length), "base64");
    if (signature.length === 64 && crypto.verify(null, signed, publicKey, signature)) return null;
  }
  return "no matching signature";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

const app = express();
app.disable("x-powered-by");

app.post(
  "/webhooks",
  // The raw bytes, not parsed JSON: the signature covers exactly the bytes that were sent, and
  // JSON.stringify(JSON.parse(body)) is not guaranteed to give them back.
  express.raw({ type: "application/json", limit: BODY_LIMIT }),
  async (req, res) => {
    if (!Buffer.isBuffer(req.body)) return res.status(415).type("text").send("expected application/json");

    let body;
    try {
      body = utf8.decode(req.body); // strict: invalid UTF-8 would otherwise decode to U+FFFD
    } catch {
      return res.status(400).type("text").send("body is not UTF-8");
    }

    let event;
    if (publicKey) {
      // Ed25519: x-webhook-signature is not checked. Such an endpoint does not send it; while it
      // switches from HMAC the header is keyed with the old shared secret, which we do not hold.
      const problem = verifyEd25519Webhook(publicKey, req.headers, req.body);
      if (problem) return res.status(400).type("text").send(`invalid webhook: ${problem}`);
      try {
        event = JSON.parse(body);
      } catch {
        return res.status(400).type("text").send("body is not JSON");
      }
    } else {
      try {
        event = webhook.verify(body, req.headers); // signature over id.timestamp.body, timestamp ±5 min
      } catch (error) {
        if (error instanceof WebhookVerificationError) return res.status(400).type("text").send(`invalid webhook: ${error.message}`);
        if (error instanceof SyntaxError) return res.status(400).type("text").send("body is not JSON");
        throw error;
      }

      const legacy = req.headers["x-webhook-signature"];
      if (legacy !== undefined && holdsNewestSecret(req.headers, body) && !verifyLegacySignature(req.body, String(legacy), SECRET)) {
        return res.status(400).type("text").send("invalid x-webhook-signature");
      }
    }

    // Only a verified request may touch the dedupe store: otherwise anyone could burn ids.
    const id = String(req.headers["webhook-id"]);
    if (accepted.has(id)) return res.status(200).json({ duplicate: true }); // still 2xx: stop the retries
    accepted.add(id); // synchronously, before any await, so a concurrent repeat sees it
    try {
      await fs.promises.appendFile(DEDUP_FILE, JSON.stringify({ id, acceptedAt: new Date().toISOString() }) + "\n");
    } catch (error) {
      accepted.delete(id);
      console.error(JSON.stringify({ dedupWriteFailed: error.message }));
      return res.status(500).type("text").send("could not record the delivery; retry later");
    }

    // Answer first, work afterwards: a slow answer counts as a failed attempt and is retried.
    res.sendStatus(204);
    setImmediate(() => enqueue(() => handleEvent(id, event)));
  },
);

// Short answers for body-parser errors (413 too large, 400 malformed) instead of an HTML page.
app.use((error, _req, res, _next) => {
  const status = Number.isInteger(error.status) && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status === 500) console.error(JSON.stringify({ error: error.message }));
  res.status(status).type("text").send(status === 500 ? "internal error" : error.type ?? "bad request");
});

const server = app.listen(PORT, HOST, (error) => {
  if (error) {
    console.error(JSON.stringify({ listenFailed: error.message }));
    process.exit(1);
  }
  // One JSON line with the actual port, so a script started with PORT=0 can find it.
  console.log(JSON.stringify({ listening: server.address().port }));
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => queue.finally(() => process.exit(0))));
}
