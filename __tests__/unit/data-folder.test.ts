import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { lockEmbeddedDatabase } from "@/lib/database/embedded-lock";
import { readOrCreateFile } from "@/lib/local-file";

/** The data folder holds the embedded database, the local keys and the demo password: owner only. */
describe("the data folder", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "data-folder-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is created 0700 by the embedded database's lock, whatever the umask", () => {
    const dataDir = path.join(root, "nested", ".data");
    const previous = process.umask(0o022);
    try {
      const release = lockEmbeddedDatabase(dataDir);
      release();
    } finally {
      process.umask(previous);
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it("is created 0700 when a local secret is written first, and the secret 0600", () => {
    const dataDir = path.join(root, "keys-first");
    readOrCreateFile(path.join(dataDir, "encryption-key"), () => "k");
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dataDir, "encryption-key")).mode & 0o777).toBe(0o600);
  });
});
