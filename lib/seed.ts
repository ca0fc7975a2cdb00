import type { PrismaClient } from "@/generated/prisma/client";
import { newId } from "@/lib/ids";

export const DEMO_ORGANIZATION = { name: "Demo Organization", slug: "demo" } as const;

export interface SeedResult {
  organization: { id: string; name: string; slug: string };
  /** False when the demo data already existed and nothing was written. */
  created: boolean;
}

/** Creates the demo organization. Idempotent: a second run changes nothing. */
export async function seedDemoData(prisma: PrismaClient): Promise<SeedResult> {
  const existing = await prisma.organization.findUnique({ where: { slug: DEMO_ORGANIZATION.slug } });
  if (existing) return { organization: existing, created: false };
  // INSERT … ON CONFLICT DO NOTHING: a concurrent seed that won the race is left untouched.
  const { count } = await prisma.organization.createMany({
    data: [{ id: newId("org"), ...DEMO_ORGANIZATION }],
    skipDuplicates: true,
  });
  const organization = await prisma.organization.findUniqueOrThrow({ where: { slug: DEMO_ORGANIZATION.slug } });
  return { organization, created: count === 1 };
}
