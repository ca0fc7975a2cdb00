import { prisma } from "@/lib/db";
import { DEMO_ORGANIZATION, seedDemoData } from "@/lib/seed";
import { setupTestDatabase } from "../helpers/database";

setupTestDatabase();

describe("seedDemoData", () => {
  it("creates the demo organization once; a second run changes nothing", async () => {
    const first = await seedDemoData(prisma);
    expect(first.created).toBe(true);
    expect(first.organization.id).toMatch(/^org_[0-9a-z]{26}$/);
    const before = await prisma.organization.findMany();

    const second = await seedDemoData(prisma);
    expect(second.created).toBe(false);
    expect(second.organization.id).toBe(first.organization.id);
    expect(await prisma.organization.findMany()).toEqual(before);
    expect(before).toEqual([expect.objectContaining({ slug: DEMO_ORGANIZATION.slug, name: DEMO_ORGANIZATION.name })]);
  });

  it("is safe when two seeds race", async () => {
    await prisma.organization.deleteMany();
    const results = await Promise.all([seedDemoData(prisma), seedDemoData(prisma)]);
    expect(new Set(results.map((result) => result.organization.id)).size).toBe(1);
    expect(await prisma.organization.count()).toBe(1);
  });
});
