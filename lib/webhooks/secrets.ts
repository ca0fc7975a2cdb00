import crypto from "node:crypto";
import path from "node:path";
import { readOrCreateFile } from "@/lib/local-file";
import { SecretError, WebhookError } from "./errors";
import { getEnv } from "@/lib/env";
import type { SignatureScheme } from "./signing-keys";

/**
 * Endpoint signing secrets (`whsec_…`), and the encryption at rest of every endpoint credential
 * (those secrets, Ed25519 private keys `whsk_…`, custom headers).
 *
 * Values are stored as `v1.<keyId>.<base64url(nonce ‖ ciphertext ‖ tag)>`, sealed with
 * AES-256-GCM under a key from the key ring and bound to the endpoint id (and, for anything but
 * a `whsec_` secret, to what it is), so a row copied onto another endpoint does not decrypt.
 */

export const SECRET_PREFIX = "whsec_";
/** Bytes of randomness in a new signing secret. */
const SECRET_BYTES = 32;
/** Shortest secret we accept (the Standard Webhooks minimum). */
const SECRET_MIN_BYTES = 24;
const ENCRYPTION_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const CIPHER = "aes-256-gcm";
const FORMAT_VERSION = "v1";
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const STORED_PATTERN = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]+)$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const MEMORY_DATA_DIR = "memory://";
const LOCAL_KEY_FILE = "encryption-key";
const LOCAL_KEY_ID = "local";

export type EncryptionKey = { id: string; key: Buffer };
/** `primary` encrypts; every key in `keys` (the primary included) decrypts. */
export type KeyRing = { primary: EncryptionKey; keys: Map<string, EncryptionKey> };
export type LoadKeyRingOptions = { keys?: string; production: boolean; dataDir: string };

type Random = (size: number) => Buffer;

/**
 * Strict standard base64 (padded, canonical). `Buffer.from(…, "base64")` alone silently skips
 * junk characters, which would let a typo shorten a key without anyone noticing.
 */
function decodeBase64Strict(value: string): Buffer | undefined {
  if (value === "" || !BASE64_PATTERN.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64");
  return bytes.toString("base64") === value ? bytes : undefined;
}

function randomBytesOf(random: Random, size: number): Buffer {
  const bytes = random(size);
  if (!Buffer.isBuffer(bytes) || bytes.length !== size) {
    throw new WebhookError("invalid_input", `random source returned ${Buffer.isBuffer(bytes) ? bytes.length : "non-buffer"} bytes, expected ${size}`);
  }
  return bytes;
}

/** A new endpoint signing secret: `whsec_` + standard base64 of 32 random bytes. */
export function generateSecret(random: Random = crypto.randomBytes): string {
  return SECRET_PREFIX + randomBytesOf(random, SECRET_BYTES).toString("base64");
}

/**
 * Decodes a `whsec_` secret to its key bytes, or `undefined` when it is not `whsec_` + canonical
 * padded base64 of at least {@link SECRET_MIN_BYTES} bytes.
 */
export function decodeSecret(secret: string): Buffer | undefined {
  if (typeof secret !== "string" || !secret.startsWith(SECRET_PREFIX)) return undefined;
  const bytes = decodeBase64Strict(secret.slice(SECRET_PREFIX.length));
  return bytes && bytes.length >= SECRET_MIN_BYTES ? bytes : undefined;
}

/**
 * The HMAC key a Standard Webhooks signature uses for `secret`: the decoded bytes when it is
 * `whsec_` + canonical padded base64 (of any length, as the standardwebhooks libraries decode it),
 * otherwise the string's own UTF-8 bytes (e.g. `"test-secret"`, or a `whsec_` string whose rest is
 * not base64). `undefined` for an empty or non-string secret.
 */
export function standardSigningKey(secret: string): Buffer | undefined {
  if (typeof secret !== "string" || secret === "") return undefined;
  const decoded = secret.startsWith(SECRET_PREFIX) ? decodeBase64Strict(secret.slice(SECRET_PREFIX.length)) : undefined;
  return decoded ?? Buffer.from(secret, "utf8");
}

/** True for `whsec_` + standard base64 decoding to at least 24 bytes: the shape of every secret the product generates. */
export function isValidSecret(secret: string): boolean {
  return decodeSecret(secret) !== undefined;
}

function keyRingError(source: string, problem: string): SecretError {
  return new SecretError("encryption_key_missing", `${source} ${problem}; expected comma-separated keyId:base64key entries, each key 32 bytes`);
}

function parseKeyRingFrom(value: string, source: string): KeyRing {
  if (typeof value !== "string" || value.trim() === "") throw keyRingError(source, "is empty");
  const keys = new Map<string, EncryptionKey>();
  value.split(",").forEach((raw, index) => {
    // Problems name the entry by position; the entry itself may be key material.
    const entry = raw.trim();
    const where = `entry ${index + 1}`;
    if (entry === "") throw keyRingError(source, `${where} is empty`);
    const colon = entry.indexOf(":");
    if (colon === -1) throw keyRingError(source, `${where} has no ":" between key id and key`);
    const id = entry.slice(0, colon);
    if (!KEY_ID_PATTERN.test(id)) throw keyRingError(source, `${where} has an invalid key id (1-32 of A-Z a-z 0-9 _ -)`);
    if (keys.has(id)) throw keyRingError(source, `${where} repeats key id "${id}"`);
    const key = decodeBase64Strict(entry.slice(colon + 1));
    if (!key) throw keyRingError(source, `${where} (key id "${id}") is not valid standard base64`);
    if (key.length !== ENCRYPTION_KEY_BYTES) {
      throw keyRingError(source, `${where} (key id "${id}") decodes to ${key.length} bytes, not ${ENCRYPTION_KEY_BYTES}`);
    }
    keys.set(id, { id, key });
  });
  // Maps keep insertion order: the first entry is the primary. Non-blank input has one.
  const [primary] = keys.values();
  if (!primary) throw keyRingError(source, "is empty");
  return { primary, keys };
}

/**
 * Parses `WEBHOOK_ENCRYPTION_KEYS`: `keyId:base64key[,keyId:base64key…]`. The first entry is the
 * primary (encrypts new secrets); all entries decrypt, so an old key can stay listed until
 * everything is re-encrypted. Throws {@link SecretError} `encryption_key_missing` naming the
 * variable and the problem (never the key material) for empty or malformed input.
 */
export function parseKeyRing(value: string): KeyRing {
  return parseKeyRingFrom(value, "WEBHOOK_ENCRYPTION_KEYS");
}

/** A fresh `id:base64key` entry for `WEBHOOK_ENCRYPTION_KEYS`. Throws `invalid_input` for a bad id. */
export function generateKeyRingEntry(id: string): string {
  if (!KEY_ID_PATTERN.test(id)) throw new WebhookError("invalid_input", "key id must be 1-32 of A-Z a-z 0-9 _ -");
  return `${id}:${crypto.randomBytes(ENCRYPTION_KEY_BYTES).toString("base64")}`;
}

/**
 * The key ring for this process.
 * - `keys` set (non-blank): parsed with {@link parseKeyRing}.
 * - unset in production: throws {@link SecretError} `encryption_key_missing` — a key silently
 *   generated on one server's disk would make secrets unreadable on every other one.
 * - unset elsewhere: `<dataDir>/encryption-key`, created on first use (mode 0600) and reused;
 *   `memory://` gets a random ring that lives only as long as the process (like its database).
 */
export function loadKeyRing(options: LoadKeyRingOptions): KeyRing {
  if (options.keys !== undefined && options.keys.trim() !== "") return parseKeyRing(options.keys);
  if (options.production) {
    throw new SecretError(
      "encryption_key_missing",
      "WEBHOOK_ENCRYPTION_KEYS must be set in production: comma-separated keyId:base64key entries of 32 random bytes each (e.g. main:$(openssl rand -base64 32))",
    );
  }
  if (options.dataDir === MEMORY_DATA_DIR) {
    const key = { id: "memory", key: crypto.randomBytes(ENCRYPTION_KEY_BYTES) };
    return { primary: key, keys: new Map([[key.id, key]]) };
  }
  const file = path.join(options.dataDir, LOCAL_KEY_FILE);
  return parseKeyRingFrom(readOrCreateFile(file, () => `${generateKeyRingEntry(LOCAL_KEY_ID)}\n`), file);
}

/**
 * Seals `plaintext` with the ring's primary key: AES-256-GCM, a random 12-byte nonce per call,
 * a 16-byte tag and `associatedData` (the endpoint id) as AAD, so the ciphertext only opens for
 * that endpoint. Returns `v1.<keyId>.<base64url(nonce ‖ ciphertext ‖ tag)>` (ASCII).
 * Throws `invalid_input` for an empty `associatedData`.
 */
export function encryptSecret(plaintext: string, associatedData: string, ring: KeyRing, random: Random = crypto.randomBytes): string {
  if (!associatedData) throw new WebhookError("invalid_input", "associatedData (the endpoint id) must not be empty");
  const nonce = randomBytesOf(random, NONCE_BYTES);
  const cipher = crypto.createCipheriv(CIPHER, ring.primary.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const sealed = Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]);
  return `${FORMAT_VERSION}.${ring.primary.id}.${sealed.toString("base64url")}`;
}

/**
 * Opens a value from {@link encryptSecret} with the key its id names. Throws {@link SecretError}
 * `decryption_failed` (with the `keyId` the value names, when it is in the v1 format) for an
 * unknown key id, a malformed value, a different `associatedData` or any tampering. The tag length is pinned to 16 bytes: GCM would otherwise accept a
 * truncated tag, which is far easier to forge.
 */
export function decryptSecret(stored: string, associatedData: string, ring: KeyRing): string {
  const match = typeof stored === "string" ? STORED_PATTERN.exec(stored) : null;
  if (!match) throw new SecretError("decryption_failed", "encrypted secret is not in the v1.<keyId>.<data> format");
  const [, keyId = "", encoded = ""] = match;
  const entry = ring.keys.get(keyId);
  if (!entry) throw new SecretError("decryption_failed", `encrypted secret uses key id "${keyId}", which is not in WEBHOOK_ENCRYPTION_KEYS`, keyId);
  const sealed = Buffer.from(encoded, "base64url");
  if (sealed.toString("base64url") !== encoded || sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new SecretError("decryption_failed", "encrypted secret is malformed or truncated", keyId);
  }
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const ciphertext = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  try {
    const decipher = crypto.createDecipheriv(CIPHER, entry.key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretError("decryption_failed", `encrypted secret failed authentication with key "${keyId}" (wrong endpoint, wrong key or tampered)`, keyId);
  }
}

/** The key id a stored secret was encrypted with, or `undefined` when it is not in the v1 format. */
export function encryptedWithKeyId(stored: string): string | undefined {
  return typeof stored === "string" ? STORED_PATTERN.exec(stored)?.[1] : undefined;
}

/** True when `stored` is not under the ring's primary key (including unrecognised values). */
export function needsReencryption(stored: string, ring: KeyRing): boolean {
  return encryptedWithKeyId(stored) !== ring.primary.id;
}

const holder = globalThis as typeof globalThis & { __webhookKeyRing?: KeyRing };

/**
 * The process's encryption key ring: WEBHOOK_ENCRYPTION_KEYS, or in development
 * a local key generated once under DATA_DIR. Production without keys throws a
 * SecretError (the start script turns that into a one-line exit).
 */
export function getKeyRing(): KeyRing {
  if (!holder.__webhookKeyRing) {
    const env = getEnv();
    holder.__webhookKeyRing = loadKeyRing({
      keys: env.webhookEncryptionKeys,
      production: env.runMode === "production",
      dataDir: env.dataDir,
    });
  }
  return holder.__webhookKeyRing;
}

/** Forget the cached ring (tests that change the environment). */
export function resetKeyRing(): void {
  holder.__webhookKeyRing = undefined;
}

/** The stored signing credentials of an endpoint row. */
export type StoredSecrets = {
  id: string;
  /** The current credential, sealed: a `whsec_` secret (`hmac`) or a `whsk_` private key (`ed25519`). */
  secretEncrypted: string;
  /** What `secretEncrypted` holds. */
  signatureScheme: SignatureScheme;
  /** The credential it replaced (a rotation or a change of scheme), signing until `previousSecretExpiresAt`. */
  previousSecretEncrypted: string | null;
  /** What `previousSecretEncrypted` holds. */
  previousSignatureScheme: SignatureScheme;
  previousSecretExpiresAt: Date | null;
};

/**
 * The associated data that binds a sealed signing credential to its endpoint and its scheme: the
 * endpoint id for a `whsec_` secret (as it always was), `<id>/ed25519` for a private key. A value
 * copied onto another endpoint, or relabelled with the other scheme, does not open.
 */
export function signingSecretAad(endpointId: string, scheme: SignatureScheme): string {
  return scheme === "ed25519" ? `${endpointId}/ed25519` : endpointId;
}

/** Seals a signing credential of `scheme` for endpoint `endpointId` ({@link encryptSecret}). */
export function sealSigningSecret(plaintext: string, endpointId: string, scheme: SignatureScheme, ring: KeyRing = getKeyRing()): string {
  return encryptSecret(plaintext, signingSecretAad(endpointId, scheme), ring);
}

/** Opens a sealed signing credential of `scheme`. Throws {@link SecretError} `decryption_failed` like {@link decryptSecret}. */
export function openSigningSecret(stored: string, endpointId: string, scheme: SignatureScheme, ring: KeyRing = getKeyRing()): string {
  return decryptSecret(stored, signingSecretAad(endpointId, scheme), ring);
}

/** A sealed signing credential opened and sealed again under the ring's primary key (key rotation). */
export function resealSigningSecret(stored: string, endpointId: string, scheme: SignatureScheme, ring: KeyRing): string {
  return sealSigningSecret(openSigningSecret(stored, endpointId, scheme, ring), endpointId, scheme, ring);
}

/**
 * Credentials that sign an attempt at `now`, decrypted with `ring`: the current one first, then
 * the previous one while its grace lasts (of either scheme: see sign.ts for how each signs).
 * Throws {@link SecretError} `decryption_failed` when the ring cannot open one of them.
 */
export function signingSecrets(row: StoredSecrets, now: Date, ring: KeyRing = getKeyRing()): string[] {
  const secrets = [openSigningSecret(row.secretEncrypted, row.id, row.signatureScheme, ring)];
  if (row.previousSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now) {
    secrets.push(openSigningSecret(row.previousSecretEncrypted, row.id, row.previousSignatureScheme, ring));
  }
  return secrets;
}
