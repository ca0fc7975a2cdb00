import { readBodyCapped } from "@/lib/http/read-body";
import type { PrismaClient } from "@/generated/prisma/client";
import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { signingSecrets } from "@/lib/webhooks/secrets";
import { verifyStandardWebhookSignature, verifyWebhookSignature } from "@/lib/webhooks/sign";
import { isPrivateKeyString } from "@/lib/webhooks/signing-keys";
import { findInbox, INBOX_BODY_CAP_BYTES, INBOX_KEEP_REQUESTS, inboxPath, pointsAtInbox, utf8Text, type InboxView } from "./inbox";

export interface ReceiveOptions {
  token: string;
  request: Request;
  prisma?: PrismaClient;
  now?: () => Date;
  /** Requests kept per inbox (default {@link INBOX_KEEP_REQUESTS}). */
  keep?: number;
}

/** What the receiver answers: a status and a small JSON body (null: an empty 404). */
export interface ReceiveResult {
  status: number;
  body: Record<string, unknown> | null;
}

export interface SignatureVerdicts {
  /**
   * `x-webhook-signature`: hex HMAC-SHA256 of the body. Null when no endpoint points at the inbox,
   * or the one checked signs with Ed25519 only (it has no shared secret and sends no such header).
   */
  legacy: boolean | null;
  /** `webhook-signature` over `webhook-id.webhook-timestamp.body`. Null like `legacy`. */
  standard: boolean | null;
  /** The endpoint whose secrets were checked (the one that verified, else the first pointing here). */
  endpointId: string | null;
}

/**
 * Records one request to the inbox of `token` and says what to answer: 404
 * (empty) for an unknown token, 413 for a body over {@link INBOX_BODY_CAP_BYTES}
 * (read no further, nothing stored), otherwise the inbox's `failWithStatus` or
 * 200. The body is stored exactly as received and both signatures are checked
 * against the secrets of the organization's endpoint that points at this inbox.
 */
export async function receiveInboxRequest(options: ReceiveOptions): Promise<ReceiveResult> {
  const db = options.prisma ?? sharedPrisma;
  const inbox = await findInbox({ token: options.token, prisma: db });
  if (!inbox) return { status: 404, body: null };
  const bytes = await readBodyCapped(options.request, INBOX_BODY_CAP_BYTES);
  if (!bytes) {
    return { status: 413, body: { error: "payload_too_large", message: `This inbox records bodies of at most ${INBOX_BODY_CAP_BYTES} bytes` } };
  }
  const now = (options.now ?? (() => new Date()))();
  const { text, encoding } = bodyText(bytes);
  const headers = recordedHeaders(options.request.headers);
  const verdicts = await verifySignatures({ db, inbox, headers, body: utf8Text(bytes), now });
  const { id, seq } = await record(db, inbox, options.keep ?? INBOX_KEEP_REQUESTS, {
    method: options.request.method,
    headers,
    body: text,
    bodyEncoding: encoding,
    legacySignatureValid: verdicts.legacy,
    standardSignatureValid: verdicts.standard,
    matchedEndpointId: verdicts.endpointId,
    receivedAt: now,
  });
  const status = inbox.failWithStatus ?? 200;
  return status >= 200 && status < 300
    ? { status, body: { received: true, id, seq } }
    : { status, body: { error: "inbox_fails_on_purpose", message: `This inbox answers ${status} to every request`, id, seq } };
}

/**
 * The body as stored: UTF-8 text when it round-trips through a text column
 * exactly, otherwise base64 of the bytes — for bytes that are not UTF-8, a NUL
 * (PostgreSQL text cannot hold one) and a leading byte-order mark (the embedded
 * database's text decoding drops it on read). The view decodes what it can.
 */
function bodyText(bytes: Buffer): { text: string; encoding: "utf8" | "base64" } {
  const text = utf8Text(bytes);
  return text !== null && !text.startsWith("\uFEFF") ? { text, encoding: "utf8" } : { text: bytes.toString("base64"), encoding: "base64" };
}

function recordedHeaders(headers: Headers): Record<string, string> {
  const recorded = Object.fromEntries(headers.entries());
  // Same origin as the app: a browser posting here would send its session cookie, which other members could then read.
  if (recorded.cookie !== undefined) recorded.cookie = "[redacted]";
  return recorded;
}

/**
 * Checks both signatures with the secrets (current, and previous during a
 * rotation's grace) of each endpoint of the inbox's organization whose URL has
 * this inbox's path — on any host, since the app may be reached as localhost or
 * 127.0.0.1. A body that is not text verifies against nothing.
 */
export async function verifySignatures(input: {
  db: PrismaClient;
  inbox: InboxView;
  headers: Record<string, string>;
  body: string | null;
  now: Date;
}): Promise<SignatureVerdicts> {
  const { inbox, headers, body, now } = input;
  const rows = await input.db.webhookEndpoint.findMany({
    where: { organizationId: inbox.organizationId, url: { contains: inboxPath(inbox.token) } },
    orderBy: { createdAt: "asc" },
  });
  const candidates = rows.filter((row) => pointsAtInbox(row.url, inbox.token));
  if (candidates.length === 0) return { legacy: null, standard: null, endpointId: null };
  let firstChecked: SignatureVerdicts | undefined;
  for (const endpoint of candidates) {
    let secrets: string[];
    try {
      secrets = signingSecrets(endpoint, now);
    } catch (error) {
      // An undecryptable secret (a key removed from the ring): nothing to verify with.
      logger.warn({ endpointId: endpoint.id, err: error }, "inbox: cannot decrypt the endpoint's secret");
      continue;
    }
    if (body === null) continue;
    // An Ed25519 endpoint's private keys sign v1a entries only: it sends no x-webhook-signature, so that is not checked.
    const shared = secrets.filter((secret) => !isPrivateKeyString(secret));
    const legacy = shared.length === 0 ? null : shared.some((secret) => verifyWebhookSignature(body, headers["x-webhook-signature"] ?? "", secret));
    // A whsk_ key re-signs deterministically, so comparing its v1a entry is checking it with the public key.
    const standard = secrets.some((secret) =>
      verifyStandardWebhookSignature({
        messageId: headers["webhook-id"] ?? "",
        timestamp: headers["webhook-timestamp"] ?? "",
        body,
        signature: headers["webhook-signature"] ?? "",
        secret,
      }),
    );
    if (legacy || standard) return { legacy, standard, endpointId: endpoint.id };
    firstChecked ??= { legacy, standard, endpointId: endpoint.id };
  }
  return firstChecked ?? { legacy: false, standard: false, endpointId: candidates[0]!.id };
}

interface RecordedRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: "utf8" | "base64";
  legacySignatureValid: boolean | null;
  standardSignatureValid: boolean | null;
  matchedEndpointId: string | null;
  receivedAt: Date;
}

/**
 * Stores a request with the inbox's next `seq` and drops those past the newest
 * `keep`, in one transaction. The increment locks the inbox
 * row until commit, so requests commit in `seq` order and a poll for
 * `seq > after` cannot skip one that was still being written.
 */
async function record(db: PrismaClient, inbox: InboxView, keep: number, request: RecordedRequest): Promise<{ id: string; seq: number }> {
  const id = newId("req");
  const seq = await db.$transaction(async (tx) => {
    const { lastSeq } = await tx.devInbox.update({ where: { id: inbox.id }, data: { lastSeq: { increment: 1 } }, select: { lastSeq: true } });
    await tx.devInboxRequest.create({ data: { id, inboxId: inbox.id, seq: lastSeq, ...request } });
    await tx.devInboxRequest.deleteMany({ where: { inboxId: inbox.id, seq: { lte: lastSeq - keep } } });
    return lastSeq;
  });
  return { id, seq };
}
