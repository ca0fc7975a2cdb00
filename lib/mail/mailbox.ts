import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The development mailbox: where mail goes when no SMTP_URL is configured.
 * One JSON file per message under `DATA_DIR/mail/`, or memory when the data
 * folder is `memory://`. Read by the development mailbox page (/dev/mail).
 */

export interface StoredMail {
  /** Sortable: the time it was stored, then random characters. */
  id: string;
  date: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type MailToStore = Omit<StoredMail, "id" | "date">;

/** Messages kept in memory (a `memory://` data folder); the oldest go first. */
export const MEMORY_MAILBOX_KEEP = 200;

const holder = globalThis as typeof globalThis & { __devMailbox?: StoredMail[] };

function memory(): StoredMail[] {
  holder.__devMailbox ??= [];
  return holder.__devMailbox;
}

function folder(dataDir: string): string {
  return path.join(dataDir, "mail");
}

const ID_PATTERN = /^\d{13}-[0-9a-f]{12}$/;

/** Stores one message; returns it with its id and date. */
export function storeMail(dataDir: string, message: MailToStore, now: Date = new Date()): StoredMail {
  const stored: StoredMail = { id: `${now.getTime()}-${randomBytes(6).toString("hex")}`, date: now.toISOString(), ...message };
  if (dataDir === "memory://") {
    const box = memory();
    box.push(stored);
    if (box.length > MEMORY_MAILBOX_KEEP) box.splice(0, box.length - MEMORY_MAILBOX_KEEP);
    return stored;
  }
  fs.mkdirSync(folder(dataDir), { recursive: true, mode: 0o700 });
  // 0600: the messages carry sign-in links.
  fs.writeFileSync(path.join(folder(dataDir), `${stored.id}.json`), JSON.stringify(stored, null, 2), { mode: 0o600, flag: "wx" });
  return stored;
}

/** Every stored message, newest first. */
export function listMail(dataDir: string): StoredMail[] {
  if (dataDir === "memory://") return [...memory()].reverse();
  let names: string[];
  try {
    names = fs.readdirSync(folder(dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const messages: StoredMail[] = [];
  for (const name of names.filter((entry) => entry.endsWith(".json") && ID_PATTERN.test(entry.slice(0, -5))).sort().reverse()) {
    try {
      messages.push(JSON.parse(fs.readFileSync(path.join(folder(dataDir), name), "utf8")) as StoredMail);
    } catch {
      // A file someone edited by hand is skipped, not fatal to the page.
    }
  }
  return messages;
}

/** Where the mailbox keeps messages, for the start banner. */
export function mailboxLocation(dataDir: string): string {
  return dataDir === "memory://" ? "memory (lost on restart)" : folder(dataDir);
}

/** Empties the in-memory mailbox (tests). */
export function clearMemoryMailbox(): void {
  memory().length = 0;
}
