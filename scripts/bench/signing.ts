/**
 * `npm run bench:signing`: what an Ed25519 endpoint costs the sender and its receiver next to an
 * HMAC one. Times the real functions on one core, no database: the headers of one attempt
 * (buildWebhookHeaders, as the send path makes them) for an HMAC secret, an Ed25519 key, and an
 * Ed25519 key during a rotation's grace (two signatures), and a receiver's check of the
 * Standard signature (verifyStandardWebhookSignature) with the secret or the public key; each at
 * 1 KiB and 64 KiB bodies; and, for scale, an Ed25519 signature whose key is imported each time
 * (what the key cache in signing-keys.ts saves). Prints microseconds per operation (the median of --rounds rounds of
 * --ops operations) and the Ed25519 ÷ HMAC ratios, and writes bench-results/bench-signing.json.
 */
import crypto from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildWebhookHeaders, verifyStandardWebhookSignature } from "@/lib/webhooks/sign";
import { generateSecret } from "@/lib/webhooks/secrets";
import { generateSigningKeyPair } from "@/lib/webhooks/signing-keys";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const OPS = flag("--ops", 2_000);
const ROUNDS = flag("--rounds", 7);

/** Median microseconds per call of `fn` over ROUNDS rounds of OPS calls (after one warm-up round). */
function time(fn: () => unknown): number {
  const rounds: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let op = 0; op < OPS; op++) fn();
    const micros = Number(process.hrtime.bigint() - started) / 1_000 / OPS;
    if (round > 0) rounds.push(micros);
  }
  rounds.sort((a, b) => a - b);
  return Math.round(rounds[Math.floor(rounds.length / 2)]! * 100) / 100;
}

function body(bytes: number): string {
  const filler = "x".repeat(Math.max(0, bytes - 60));
  return JSON.stringify({ event: "invoice.paid", idempotencyKey: "bench", data: { filler } });
}

const secret = generateSecret();
const current = generateSigningKeyPair();
const previous = generateSigningKeyPair();
const attemptAt = new Date();
const results: Record<string, Record<string, number>> = {};

for (const [label, size] of [["1 KiB", 1024], ["64 KiB", 64 * 1024]] as const) {
  const payload = body(size);
  const headers = (secrets: string[]) => () =>
    buildWebhookHeaders({ messageId: "msg_bench", eventType: "invoice.paid", eventTimestamp: attemptAt.toISOString(), body: payload, secrets, attemptAt });
  const hmacHeaders = headers([secret])();
  const edHeaders = headers([current.privateKey])();
  const parts = (signed: Record<string, string>) => ({ messageId: "msg_bench", timestamp: signed["webhook-timestamp"]!, body: payload, signature: signed["webhook-signature"]! });
  if (!verifyStandardWebhookSignature({ ...parts(edHeaders), publicKey: current.publicKey }) || !verifyStandardWebhookSignature({ ...parts(hmacHeaders), secret })) {
    throw new Error("a signature made here did not verify");
  }
  // What each signature would cost if the key were imported every time (the cache in signing-keys.ts avoids it).
  const seedDer = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(current.privateKey.slice("whsk_".length), "base64")]);
  const signed = Buffer.from(`msg_bench.${Math.floor(attemptAt.getTime() / 1000)}.${payload}`);
  const row = {
    signEd25519KeyImportedEachTime: time(() => crypto.sign(null, signed, crypto.createPrivateKey({ key: seedDer, format: "der", type: "pkcs8" }))),
    signHmac: time(headers([secret])),
    signEd25519: time(headers([current.privateKey])),
    signEd25519DuringRotation: time(headers([current.privateKey, previous.privateKey])),
    verifyHmac: time(() => verifyStandardWebhookSignature({ ...parts(hmacHeaders), secret })),
    verifyEd25519: time(() => verifyStandardWebhookSignature({ ...parts(edHeaders), publicKey: current.publicKey })),
  };
  results[label] = {
    ...row,
    signRatio: Math.round((row.signEd25519 / row.signHmac) * 100) / 100,
    verifyRatio: Math.round((row.verifyEd25519 / row.verifyHmac) * 100) / 100,
  };
}

console.table(results);
const out = path.resolve(__dirname, "../../bench-results");
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, "bench-signing.json"), JSON.stringify({ ops: OPS, rounds: ROUNDS, microsecondsPerOperation: results }, null, 2));
