import { randomBytes } from "node:crypto";
import type { DevInbox, DevInboxRequest } from "@/generated/prisma/client";
import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import type { DbClient } from "@/lib/database/db-types";
import { WebhookValidationError } from "@/lib/webhooks/errors";

/**
 * The development request inspector: each organization can have in-app
 * receiver URLs (`POST /api/dev/inbox/<token>`) that record what they are sent,
 * shown live at `/dev/inbox/<token>`. The routes exist only in a development
 * start (see `isDevelopmentStart`); this module is the storage and its rules.
 */

/** Largest body an inbox records; bigger ones are refused with 413 and not stored. */
export const INBOX_BODY_CAP_BYTES = 256 * 1024;
/** Requests kept per inbox; older ones are deleted as new ones arrive. */
export const INBOX_KEEP_REQUESTS = 200;
/** Most requests one listing returns. */
export const INBOX_LIST_LIMIT = 200;
/** Random bytes in a token (base64url, 32 characters): the URL is the only secret guarding the receiver. */
const TOKEN_BYTES = 24;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** The receiver's path for `token`. */
export function inboxPath(token: string): string {
  return `/api/dev/inbox/${token}`;
}

/** The receiver URL an endpoint points at, e.g. `http://localhost:3000/api/dev/inbox/<token>`. */
export function inboxUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}${inboxPath(token)}`;
}

/** The inspector page's path for `token`. */
export function inspectorPath(token: string): string {
  return `/dev/inbox/${token}`;
}

/** True when `token` has the shape of one we issue (checked before any query). */
export function isInboxToken(token: unknown): token is string {
  return typeof token === "string" && TOKEN_PATTERN.test(token);
}

/** True when `url` (an endpoint URL) points at the receiver of `token`, on whatever host. */
export function pointsAtInbox(url: string, token: string): boolean {
  try {
    return new URL(url).pathname === inboxPath(token);
  } catch {
    return false;
  }
}

export interface InboxView {
  id: string;
  organizationId: string;
  token: string;
  label: string;
  failWithStatus: number | null;
  createdAt: Date;
}

function toInboxView(row: DevInbox): InboxView {
  return { id: row.id, organizationId: row.organizationId, token: row.token, label: row.label, failWithStatus: row.failWithStatus, createdAt: row.createdAt };
}

export interface CreateInboxOptions {
  organizationId: string;
  label?: string;
  /** Answer every request with this status (200–599) instead of 200, e.g. 503 to watch retries. */
  failWithStatus?: number | null;
  prisma?: DbClient;
}

/** Creates an inbox with a fresh token. Throws WebhookValidationError `invalid_input` for a status outside 200–599. */
export async function createInbox(options: CreateInboxOptions): Promise<InboxView> {
  const status = options.failWithStatus ?? null;
  if (status !== null && (!Number.isInteger(status) || status < 200 || status > 599)) {
    throw new WebhookValidationError("invalid_input", "failWithStatus must be an HTTP status between 200 and 599");
  }
  const row = await (options.prisma ?? sharedPrisma).devInbox.create({
    data: {
      id: newId("inbox"),
      organizationId: options.organizationId,
      token: randomBytes(TOKEN_BYTES).toString("base64url"),
      label: options.label ?? "",
      failWithStatus: status,
    },
  });
  return toInboxView(row);
}

/** The inbox with `token`, or null (also for a malformed token). */
export async function findInbox(options: { token: string; prisma?: DbClient }): Promise<InboxView | null> {
  if (!isInboxToken(options.token)) return null;
  const row = await (options.prisma ?? sharedPrisma).devInbox.findUnique({ where: { token: options.token } });
  return row ? toInboxView(row) : null;
}

/**
 * The inbox with `token` when `userId` is a member of its organization (any
 * role; not necessarily their active one), else null — another organization's
 * inbox is indistinguishable from a missing one.
 */
export async function findInboxForMember(options: { token: string; userId: string; prisma?: DbClient }): Promise<InboxView | null> {
  const db = options.prisma ?? sharedPrisma;
  const inbox = await findInbox({ token: options.token, prisma: db });
  if (!inbox) return null;
  const member = await db.member.findFirst({ where: { organizationId: inbox.organizationId, userId: options.userId }, select: { id: true } });
  return member ? inbox : null;
}

/** One recorded request as the page and the JSON route show it. */
export interface InboxRequestView {
  id: string;
  seq: number;
  receivedAt: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: "utf8" | "base64";
  /** `x-webhook-event`, else the body's `event` field. */
  eventType: string | null;
  webhookId: string | null;
  /** Null: no endpoint of the organization points at this inbox, so there was nothing to check against. */
  legacySignatureValid: boolean | null;
  standardSignatureValid: boolean | null;
  matchedEndpointId: string | null;
}

function eventTypeOf(headers: Record<string, string>, body: string, encoding: string): string | null {
  if (headers["x-webhook-event"]) return headers["x-webhook-event"];
  if (encoding !== "utf8") return null;
  try {
    const parsed: unknown = JSON.parse(body);
    const event = parsed && typeof parsed === "object" ? (parsed as { event?: unknown }).event : undefined;
    return typeof event === "string" ? event : null;
  } catch {
    return null;
  }
}

/** `bytes` as UTF-8 text (a byte-order mark kept), or null when they are not UTF-8 or hold a NUL. */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.includes("\u0000") ? null : text;
  } catch {
    return null;
  }
}

/** The stored body as text when it is UTF-8 (some text bodies are stored as base64, see receive.ts), else base64. */
function bodyView(row: DevInboxRequest): { body: string; bodyEncoding: "utf8" | "base64" } {
  if (row.bodyEncoding !== "base64") return { body: row.body, bodyEncoding: "utf8" };
  const text = utf8Text(Buffer.from(row.body, "base64"));
  return text === null ? { body: row.body, bodyEncoding: "base64" } : { body: text, bodyEncoding: "utf8" };
}

export function toRequestView(row: DevInboxRequest): InboxRequestView {
  const headers = (row.headers ?? {}) as Record<string, string>;
  const { body, bodyEncoding } = bodyView(row);
  return {
    id: row.id,
    seq: row.seq,
    receivedAt: row.receivedAt.toISOString(),
    method: row.method,
    headers,
    body,
    bodyEncoding,
    eventType: eventTypeOf(headers, body, bodyEncoding),
    webhookId: headers["webhook-id"] ?? null,
    legacySignatureValid: row.legacySignatureValid,
    standardSignatureValid: row.standardSignatureValid,
    matchedEndpointId: row.matchedEndpointId,
  };
}

export interface ListInboxRequestsOptions {
  inboxId: string;
  /** Only requests with a greater `seq` (the newest the caller already has). */
  after?: number;
  limit?: number;
  prisma?: DbClient;
}

/**
 * The inbox's newest requests, newest first, `seq > after` when given. A
 * request's `seq` is assigned under the inbox row's lock and committed in that
 * order, so polling with the largest `seq` seen never skips one.
 */
export async function listInboxRequests(options: ListInboxRequestsOptions): Promise<InboxRequestView[]> {
  const rows = await (options.prisma ?? sharedPrisma).devInboxRequest.findMany({
    where: { inboxId: options.inboxId, ...(options.after === undefined ? {} : { seq: { gt: options.after } }) },
    orderBy: { seq: "desc" },
    take: Math.min(Math.max(options.limit ?? INBOX_LIST_LIMIT, 1), INBOX_LIST_LIMIT),
  });
  return rows.map(toRequestView);
}

/** The organization's inboxes, oldest first. */
export async function listInboxes(options: { organizationId: string; prisma?: DbClient }): Promise<InboxView[]> {
  const rows = await (options.prisma ?? sharedPrisma).devInbox.findMany({ where: { organizationId: options.organizationId }, orderBy: { createdAt: "asc" } });
  return rows.map(toInboxView);
}
