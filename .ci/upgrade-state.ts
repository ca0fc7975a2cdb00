import { createHash } from "node:crypto";
import { readMigrations } from "@/lib/database/migrate";
import { closeDatabase, getDatabase } from "@/lib/db";

/**
 * For .ci/upgrade-check: prints, as one JSON object, what the database holds
 * after an upgrade — recorded migrations against this checkout's, one endpoint
 * and its deliveries with their attempts and the SHA-256 of each event body.
 * Plain SQL, so it does not depend on the Prisma models. Run it with the app
 * stopped (the embedded database allows one process).
 *
 *   tsx .ci/upgrade-state.ts <endpoint id>
 */
async function main() {
  const endpointId = process.argv[2];
  if (!endpointId) throw new Error("usage: tsx .ci/upgrade-state.ts <endpoint id>");
  const prisma = getDatabase().prisma;
  const recorded = await prisma.$queryRawUnsafe<{ name: string; finished: boolean }[]>(
    `SELECT migration_name AS name, finished_at IS NOT NULL AND rolled_back_at IS NULL AS finished FROM "_prisma_migrations" ORDER BY migration_name`,
  );
  const endpoints = await prisma.$queryRawUnsafe<{ id: string; url: string; status: string }[]>(
    `SELECT id, url, status::text AS status FROM "WebhookEndpoint" WHERE id = $1`,
    endpointId,
  );
  const deliveries = await prisma.$queryRawUnsafe<{ id: string; event: string; idempotencyKey: string; status: string; attempts: number; logged: number; body: string }[]>(
    `SELECT d.id, d.event, d."idempotencyKey", d.status::text AS status, d.attempts,
            (SELECT count(*)::int FROM "WebhookAttempt" a WHERE a."deliveryId" = d.id) AS logged, e.body
       FROM "WebhookDelivery" d JOIN "WebhookEvent" e ON e.id = d."eventId"
      WHERE d."endpointId" = $1 ORDER BY d."createdAt", d.id`,
    endpointId,
  );
  const state = {
    migrations: {
      recorded: recorded.filter((row) => row.finished).map((row) => row.name),
      unfinished: recorded.filter((row) => !row.finished).map((row) => row.name),
      checkout: (await readMigrations()).map((migration) => migration.name),
    },
    endpoint: endpoints[0] ?? null,
    deliveries: deliveries.map(({ body, ...delivery }) => ({ ...delivery, bodySha256: createHash("sha256").update(body, "utf8").digest("hex") })),
  };
  await closeDatabase();
  process.stdout.write(`${JSON.stringify(state)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
