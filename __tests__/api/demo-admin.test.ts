import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { prisma } from "@/lib/db";
import { getAuth } from "@/lib/auth/server";
import { seedDemoAdmin, DEMO_ADMIN_EMAIL } from "@/lib/auth/demo";
import { resetEnvCache } from "@/lib/env";
import { seedDemoData } from "@/lib/seed";
import { setupAuth } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

setupTestDatabase();
setupAuth();

it("creates the demo owner once, with a password that signs in and is remembered", async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "demo-"));
  const saved = process.env.DATA_DIR;
  try {
    const { organization } = await seedDemoData(prisma);
    // Credentials live under DATA_DIR even when the database is elsewhere.
    process.env.DATA_DIR = dataDir;
    resetEnvCache();
    const first = await seedDemoAdmin(organization.id);
    expect(first).toMatchObject({ email: DEMO_ADMIN_EMAIL, created: true, password: expect.stringMatching(/^[\w-]{16}$/) });
    expect(statSync(path.join(dataDir, "demo-credentials")).mode & 0o777).toBe(0o600);

    const second = await seedDemoAdmin(organization.id);
    expect(second).toEqual({ ...first, created: false });
    expect(await prisma.user.count()).toBe(1);
    expect(await prisma.member.findMany({ select: { role: true, organizationId: true } })).toEqual([{ role: "owner", organizationId: organization.id }]);

    const signedIn = await getAuth().api.signInEmail({ body: { email: DEMO_ADMIN_EMAIL, password: first.password! }, asResponse: true });
    expect(signedIn.status).toBe(200);
  } finally {
    process.env.DATA_DIR = saved;
    resetEnvCache();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
