import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Creates `file` with `content` (mode 0600) unless it exists, then returns its
 * content. Writes a temporary file and hard-links it into place: `link` fails
 * when the target exists, so two processes starting together agree on one
 * value and nobody reads a half-written file. For local development secrets
 * kept under DATA_DIR.
 */
export function readOrCreateFile(file: string, content: () => string): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    fs.writeFileSync(temporary, content(), { mode: 0o600, flag: "wx" });
    try {
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      fs.unlinkSync(temporary);
    }
  }
  return fs.readFileSync(file, "utf8");
}
