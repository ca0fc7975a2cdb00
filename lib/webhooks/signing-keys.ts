import crypto from "node:crypto";
import { WebhookError } from "./errors";

/**
 * Ed25519 key pairs for Standard Webhooks asymmetric signatures (`v1a`). The serialisation is
 * the spec's: the private key is `whsk_` + standard base64 of the 32-byte Ed25519 seed (what
 * RFC 8032 calls the private key, and what the spec's own libraries read), the public key
 * `whpk_` + standard base64 of the raw 32-byte public key. Only node:crypto is used.
 *
 * Why an endpoint would choose this over HMAC: the receiver holds only the public key, so a
 * leak on the receiver's side lets nobody forge a webhook, and only this platform can sign.
 */

export const SIGNATURE_SCHEMES = ["hmac", "ed25519"] as const;
/** `hmac`: a shared `whsec_` secret (`v1`); `ed25519`: a key pair, the receiver holds the public half (`v1a`). */
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

export const PRIVATE_KEY_PREFIX = "whsk_";
export const PUBLIC_KEY_PREFIX = "whpk_";
const KEY_BYTES = 32;
/** An Ed25519 signature's length in bytes. */
export const ED25519_SIGNATURE_BYTES = 64;

/** DER prefixes of a PKCS#8 Ed25519 private key and an SPKI public key (RFC 8410), followed by the 32 key bytes. */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const BASE64_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

type Random = (size: number) => Buffer;

export interface SigningKeyPair {
  /** `whsk_…`: secret; stored only encrypted, never shown. */
  privateKey: string;
  /** `whpk_…`: give it to the receiver. */
  publicKey: string;
}

/** The 32 bytes after `prefix`, or undefined when `value` is not `prefix` + canonical base64 of exactly 32 bytes. */
function decodeKey(value: unknown, prefix: string): Buffer | undefined {
  if (typeof value !== "string" || !value.startsWith(prefix)) return undefined;
  const encoded = value.slice(prefix.length);
  if (!BASE64_PATTERN.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, "base64");
  return bytes.length === KEY_BYTES && bytes.toString("base64") === encoded ? bytes : undefined;
}

/** True for a string shaped like a private key (`whsk_` prefix): signing treats it as Ed25519, never as an HMAC key. */
export function isPrivateKeyString(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PRIVATE_KEY_PREFIX);
}

/** True for `whsk_` + standard base64 of a 32-byte seed. */
export function isValidPrivateKey(value: unknown): boolean {
  return decodeKey(value, PRIVATE_KEY_PREFIX) !== undefined;
}

/** True for `whpk_` + standard base64 of a 32-byte public key. */
export function isValidPublicKey(value: unknown): boolean {
  return decodeKey(value, PUBLIC_KEY_PREFIX) !== undefined;
}

/**
 * Imported keys, by their `whsk_`/`whpk_` string. Importing a key (OpenSSL 3's decoder) costs about
 * ten times what signing with it does, so a worker signing every attempt keeps the keys of the
 * endpoints it is delivering to; a key is decoded and checked only when it is imported. Bounded:
 * the least recently used key goes first.
 */
export const KEY_CACHE_SIZE = 1024;
const importedKeys = new Map<string, crypto.KeyObject>();

function cachedKey(value: string, importKey: () => crypto.KeyObject): crypto.KeyObject {
  const hit = importedKeys.get(value);
  if (hit) {
    importedKeys.delete(value);
    importedKeys.set(value, hit);
    return hit;
  }
  const key = importKey();
  importedKeys.set(value, key);
  if (importedKeys.size > KEY_CACHE_SIZE) importedKeys.delete(importedKeys.keys().next().value!);
  return key;
}

/** How many imported keys are kept now (for tests). */
export function importedKeyCount(): number {
  return importedKeys.size;
}

/**
 * The node:crypto key of a `whsk_` private key. Throws {@link WebhookError} `invalid_input` when
 * it is not `whsk_` + base64 of 32 bytes (the message never includes the key).
 */
export function privateKeyObject(privateKey: string): crypto.KeyObject {
  const invalid = () => new WebhookError("invalid_input", "an Ed25519 private key must be whsk_ followed by the standard base64 of 32 bytes");
  // The prefix first: the cache holds public keys too. The rest is checked only on import.
  if (typeof privateKey !== "string" || !privateKey.startsWith(PRIVATE_KEY_PREFIX)) throw invalid();
  return cachedKey(privateKey, () => {
    const seed = decodeKey(privateKey, PRIVATE_KEY_PREFIX);
    if (!seed) throw invalid();
    return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  });
}

/**
 * The node:crypto key of a `whpk_` public key. Throws {@link WebhookError} `invalid_input` when it
 * is not `whpk_` + base64 of 32 bytes.
 */
export function publicKeyObject(publicKey: string): crypto.KeyObject {
  const invalid = () => new WebhookError("invalid_input", "an Ed25519 public key must be whpk_ followed by the standard base64 of 32 bytes");
  if (typeof publicKey !== "string" || !publicKey.startsWith(PUBLIC_KEY_PREFIX)) throw invalid();
  return cachedKey(publicKey, () => {
    const raw = decodeKey(publicKey, PUBLIC_KEY_PREFIX);
    if (!raw) throw invalid();
    return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
  });
}

/** The `whpk_` public key of a `whsk_` private key. Throws `invalid_input` like {@link privateKeyObject}. */
export function publicKeyOf(privateKey: string): string {
  const der = crypto.createPublicKey(privateKeyObject(privateKey)).export({ format: "der", type: "spki" });
  return PUBLIC_KEY_PREFIX + der.subarray(SPKI_PREFIX.length).toString("base64");
}

/**
 * A new Ed25519 key pair: a 32-byte seed from `random` (default the system's CSPRNG) and the
 * public key derived from it.
 */
export function generateSigningKeyPair(random: Random = crypto.randomBytes): SigningKeyPair {
  const seed = random(KEY_BYTES);
  if (!Buffer.isBuffer(seed) || seed.length !== KEY_BYTES) {
    throw new WebhookError("invalid_input", `random source returned ${Buffer.isBuffer(seed) ? seed.length : "non-buffer"} bytes, expected ${KEY_BYTES}`);
  }
  const privateKey = PRIVATE_KEY_PREFIX + seed.toString("base64");
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/**
 * A `whpk_` public key as a PEM `PUBLIC KEY` (SPKI) block, the form OpenSSL, Java, Go and most
 * libraries load. Throws `invalid_input` like {@link publicKeyObject}.
 */
export function publicKeyPem(publicKey: string): string {
  return publicKeyObject(publicKey).export({ format: "pem", type: "spki" }).toString();
}

/** The raw 64-byte Ed25519 signature of `data` (deterministic). Throws `invalid_input` for a malformed key. */
export function signEd25519(data: Buffer, privateKey: string): Buffer {
  return crypto.sign(null, data, privateKeyObject(privateKey));
}

/** True when `signature` is `publicKey`'s Ed25519 signature of `data`. Never throws: a malformed key or signature is `false`. */
export function verifyEd25519(data: Buffer, signature: Buffer, publicKey: string): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return crypto.verify(null, data, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
