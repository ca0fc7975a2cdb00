import nodemailer, { type Transporter } from "nodemailer";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { storeMail } from "@/lib/mail/mailbox";
import { isRunModeDecided } from "@/lib/run-mode";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SentMail {
  /** "smtp": handed to the mail server; "mailbox": kept in the development mailbox. */
  via: "smtp" | "mailbox";
  messageId: string;
}

const holder = globalThis as typeof globalThis & { __mailTransport?: { url: string; transporter: Transporter } };

function transporterFor(url: string): Transporter {
  if (holder.__mailTransport?.url !== url) {
    holder.__mailTransport?.transporter.close();
    holder.__mailTransport = { url, transporter: nodemailer.createTransport(url) };
  }
  return holder.__mailTransport.transporter;
}

/**
 * Where the development mailbox keeps mail: `DATA_DIR`, or memory for
 * `memory://` — and for a library caller or a test (no entry point decided the
 * mode), which must never write into someone's data folder.
 */
export function mailboxDir(): string {
  return isRunModeDecided() ? getEnv().dataDir : "memory://";
}

/** The domain of an address, for logs (never the whole address or the message). */
function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1);
}

/**
 * Sends one message: over SMTP when `SMTP_URL` is set, otherwise into the
 * development mailbox (`DATA_DIR/mail`; memory for `memory://` and where no
 * entry point decided the run mode). Production never reaches
 * the mailbox: configuration without SMTP_URL is refused there at start.
 * Resolves when the server accepted the message; throws what the SMTP
 * client threw (connection, authentication, rejected recipient).
 */
export async function sendMail(message: MailMessage): Promise<SentMail> {
  const env = getEnv();
  if (!env.smtpUrl) {
    const stored = storeMail(mailboxDir(), { from: env.mailFrom, ...message });
    logger.info({ mailId: stored.id, toDomain: domainOf(message.to) }, "mail kept in the development mailbox");
    return { via: "mailbox", messageId: stored.id };
  }
  const info = await transporterFor(env.smtpUrl).sendMail({ from: env.mailFrom, ...message });
  logger.info({ messageId: info.messageId, toDomain: domainOf(message.to) }, "mail sent");
  return { via: "smtp", messageId: String(info.messageId) };
}

/** Closes the pooled SMTP connection, if any (tests, shutdown). */
export function closeMailTransport(): void {
  holder.__mailTransport?.transporter.close();
  holder.__mailTransport = undefined;
}
