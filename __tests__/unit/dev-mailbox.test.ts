import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { resetEnvCache } from "@/lib/env";
import { clearMemoryMailbox, listMail, mailboxLocation, storeMail } from "@/lib/mail/mailbox";
import { mailboxDir, sendMail } from "@/lib/mail/transport";

/** Where mail goes without SMTP_URL: one file per message under DATA_DIR/mail, or memory. */
const message = (subject: string) => ({ from: "Webhooks <no-reply@localhost>", to: "ann@mail.example", subject, text: `text of ${subject}`, html: `<p>${subject}</p>` });

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "webhooks-mailbox-"));
  clearMemoryMailbox();
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("development mailbox", () => {
  it("stores one private JSON file per message and lists them newest first", () => {
    storeMail(dataDir, message("first"), new Date("2026-12-02T10:00:00.000Z"));
    storeMail(dataDir, message("second"), new Date("2026-12-02T10:00:01.000Z"));
    storeMail(dataDir, message("third"), new Date("2026-12-02T10:00:01.000Z"));
    const files = fs.readdirSync(path.join(dataDir, "mail"));
    expect(files).toHaveLength(3);
    expect(fs.statSync(path.join(dataDir, "mail", files[0]!)).mode & 0o777).toBe(0o600);

    const listed = listMail(dataDir);
    expect(listed.map((mail) => mail.subject).slice(2)).toEqual(["first"]);
    expect(listed.slice(0, 2).map((mail) => mail.subject).sort()).toEqual(["second", "third"]);
    expect(listed[2]).toMatchObject({ ...message("first"), date: "2026-12-02T10:00:00.000Z" });
    expect(mailboxLocation(dataDir)).toBe(path.join(dataDir, "mail"));
  });

  it("lists nothing before the first message, and skips files it did not write", () => {
    expect(listMail(dataDir)).toEqual([]);
    fs.mkdirSync(path.join(dataDir, "mail"));
    fs.writeFileSync(path.join(dataDir, "mail", "notes.json"), "{}");
    fs.writeFileSync(path.join(dataDir, "mail", "1764669600000-0123456789ab.json"), "not json");
    expect(listMail(dataDir)).toEqual([]);
  });

  it("keeps messages in memory for memory://", () => {
    storeMail("memory://", message("one"));
    storeMail("memory://", message("two"));
    expect(listMail("memory://").map((mail) => mail.subject)).toEqual(["two", "one"]);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

describe("sendMail without SMTP_URL", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });

  it("writes into DATA_DIR/mail in a development start", async () => {
    process.env = { ...saved, APP_ENV: "development", DATA_DIR: dataDir, SMTP_URL: "", MAIL_FROM: "Webhooks <dev@localhost>" };
    resetEnvCache();
    expect(mailboxDir()).toBe(dataDir);
    const sent = await sendMail({ to: "bob@mail.example", subject: "Hello", text: "Hi", html: "<p>Hi</p>" });
    expect(sent.via).toBe("mailbox");
    expect(listMail(dataDir)).toEqual([expect.objectContaining({ id: sent.messageId, from: "Webhooks <dev@localhost>", to: "bob@mail.example", subject: "Hello" })]);
  });

  it("keeps mail in memory where no entry point decided the mode (tests, library callers)", async () => {
    process.env = { ...saved, APP_ENV: "", DATA_DIR: dataDir, SMTP_URL: "" };
    resetEnvCache();
    await sendMail({ to: "bob@mail.example", subject: "Library", text: "Hi", html: "<p>Hi</p>" });
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(listMail("memory://").map((mail) => mail.subject)).toEqual(["Library"]);
  });
});
