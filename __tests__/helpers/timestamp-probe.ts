/**
 * Run as a child process with TZ set (a Jest worker cannot change its own time
 * zone): writes one timestamp to a fresh embedded database, reads it back
 * typed, raw and inside a transaction, and prints the three as ISO strings.
 */
import { closeDatabase, getDatabase, prisma } from "@/lib/db";

async function main() {
  await getDatabase().migrate();
  const createdAt = new Date(process.argv[2]!);
  await prisma.organization.create({ data: { id: "org_tz", name: "TZ", slug: "tz", createdAt } });
  const typed = (await prisma.organization.findUniqueOrThrow({ where: { id: "org_tz" } })).createdAt;
  const [raw] = await prisma.$queryRawUnsafe<{ createdAt: Date }[]>(`SELECT "createdAt" FROM "Organization" WHERE "id" = 'org_tz'`);
  const inTx = await prisma.$transaction((tx) => tx.$queryRawUnsafe<{ createdAt: Date }[]>(`SELECT "createdAt" FROM "Organization"`));
  process.stdout.write(JSON.stringify([typed, raw!.createdAt, inTx[0]!.createdAt].map((value) => new Date(value).toISOString())));
  await closeDatabase();
}

void main();
