import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { prisma } from "@/lib/db";
import { getAuth } from "@/lib/auth/server";
import { getEnv } from "@/lib/env";
import { newId } from "@/lib/ids";
import { readOrCreateFile } from "@/lib/local-file";

export const DEMO_ADMIN_EMAIL = "admin@demo.example";

/**
 * Creates the demo organization's owner account once. Its password is random,
 * generated on first run and kept in DATA_DIR/demo-credentials (mode 0600) so
 * every start can say how to sign in. Idempotent.
 */
export async function seedDemoAdmin(organizationId: string): Promise<{ email: string; password: string | null; created: boolean }> {
  const env = getEnv();
  const file = env.dataDir === "memory://" ? null : path.join(env.dataDir, "demo-credentials");
  const remembered = file !== null && existsSync(file);
  const password = file
    ? readOrCreateFile(file, () => `${randomBytes(12).toString("base64url")}\n`).trim()
    : randomBytes(12).toString("base64url");
  let user = await prisma.user.findUnique({ where: { email: DEMO_ADMIN_EMAIL } });
  let created = false;
  if (!user) {
    await getAuth().api.signUpEmail({ body: { email: DEMO_ADMIN_EMAIL, password, name: "Demo Admin" } });
    // A reserved demo domain no mail reaches: counted as verified, so EMAIL_VERIFICATION=required still lets it sign in.
    user = await prisma.user.update({ where: { email: DEMO_ADMIN_EMAIL }, data: { emailVerified: true } });
    created = true;
  }
  const membership = await prisma.member.findFirst({ where: { organizationId, userId: user.id } });
  if (!membership) await prisma.member.create({ data: { id: newId("mem"), organizationId, userId: user.id, role: "owner" } });
  // Print the password only when it is the account's: set now, or remembered from when it was set.
  return { email: DEMO_ADMIN_EMAIL, password: created || remembered ? password : null, created };
}
