import { WebhookValidationError } from "@/lib/webhooks/errors";

/**
 * Event data given as JSON text, embedded in the envelope byte for byte. Parsing
 * a producer's JSON and serialising it again changes it: `9223372036854775807`
 * becomes `9223372036854776000`, `1.0` becomes `1`, key order and escapes may
 * move. The ingest API hands the producer's own bytes to the library this way;
 * backend code can too (`sendWebhookNotification(org, type, key, rawJson(text))`).
 */
export class RawJson {
  /** The JSON text, without surrounding whitespace. */
  readonly text: string;

  private constructor(text: string) {
    this.text = text;
  }

  /** Checks that `text` is one JSON value (throws WebhookValidationError `invalid_payload` otherwise). */
  static from(text: string): RawJson {
    if (typeof text !== "string") throw new WebhookValidationError("invalid_payload", "Raw event data must be a string of JSON text");
    try {
      JSON.parse(text);
    } catch (error) {
      throw new WebhookValidationError("invalid_payload", `Event data is not valid JSON: ${(error as Error).message}`);
    }
    return new RawJson(text.trim());
  }

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** Event data as JSON text, kept verbatim (see {@link RawJson}). */
export function rawJson(text: string): RawJson {
  return RawJson.from(text);
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/**
 * The source text of member `name` of the JSON object `text` — its exact bytes,
 * nested values included — or undefined when `text` is not an object or has no
 * such member. With a repeated name the last one counts, as with `JSON.parse`.
 * `text` must already be valid JSON (the caller has parsed it).
 *
 * Written by hand: the only need is one top-level member's span, found in one
 * pass that skips nested values. A source-map JSON parser would parse the whole
 * document a second time in JavaScript and build a pointer for every node.
 */
export function memberSource(text: string, name: string): string | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== "{") return undefined;
  i = skipSpace(text, i + 1);
  let found: string | undefined;
  while (i < text.length && text[i] !== "}") {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    // text[i] is ":"
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (key === name) found = text.slice(valueStart, valueEnd);
    i = skipSpace(text, valueEnd);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return found;
}

/**
 * The source text of each element of the JSON array `text`, in order — their
 * exact bytes — or undefined when `text` is not an array. With
 * {@link memberSource}, a batch's items and then each item's `data` are found
 * in the producer's own bytes. `text` must already be valid JSON.
 */
export function elementSources(text: string): string[] | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== "[") return undefined;
  i = skipSpace(text, i + 1);
  const elements: string[] = [];
  while (i < text.length && text[i] !== "]") {
    const end = skipValue(text, i);
    elements.push(text.slice(i, end));
    i = skipSpace(text, end);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return elements;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}

/** `text[i]` opens a string; returns the index after its closing quote. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === '"') return i + 1;
  }
  return i;
}

/** Returns the index just after the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first !== "{" && first !== "[") {
    // A number, true, false or null: runs until a delimiter.
    while (i < text.length && !WHITESPACE.has(text[i]!) && text[i] !== "," && text[i] !== "}" && text[i] !== "]") i++;
    return i;
  }
  let depth = 0;
  for (; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = skipString(text, i) - 1;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return i;
}
