import { importDatabase } from "@/lib/database/backup-import";
import type { LocalSecretFile } from "@/lib/database/backup-format";
import { openDatabase } from "@/lib/database/connect";
import { getEnv } from "@/lib/env";
import { getKeyRing, parseKeyRing } from "@/lib/webhooks/secrets";
import { parseFileArguments, runCli } from "./cli";

const USAGE = "npm run db:import -- <file.jsonl | file.jsonl.gz>";

/** `npm run db:import -- backup.jsonl`: a backup into an empty database, all or nothing. See README "Backups". */
runCli(async () => {
  const { file } = parseFileArguments(process.argv.slice(2), [], USAGE);
  const env = getEnv();
  // Production without keys stops here with one line; development keys come from DATA_DIR (or the backup), read without creating anything.
  if (env.runMode === "production" && !env.webhookEncryptionKeys) getKeyRing();
  const keyRing = env.webhookEncryptionKeys ? parseKeyRing(env.webhookEncryptionKeys) : undefined;
  const configured: LocalSecretFile[] = [...(keyRing ? (["encryption-key"] as const) : []), ...(env.authSecret ? (["auth-secret"] as const) : [])];

  const result = await importDatabase({
    file,
    open: () => openDatabase({ url: env.databaseUrl, dataDir: env.dataDir, poolSize: 2 }),
    dataDir: env.dataDir,
    keyRing,
    configured,
  });

  const total = Object.values(result.rows).reduce((sum, count) => sum + count, 0);
  const lines = [
    `Imported ${total} rows of ${Object.keys(result.rows).length} tables into the ${env.databaseMode} database (schema ${result.migrations.at(-1)}` +
      (result.applied.length > 0 ? `; applied ${result.applied.length} migration(s) first` : "") +
      ").",
    ...Object.entries(result.rows).map(([table, count]) => `  ${table}: ${count}`),
  ];
  if (result.localFilesWritten.length > 0) lines.push(`Restored into ${env.dataDir}: ${result.localFilesWritten.join(", ")}.`);
  lines.push("Sessions were not carried: everyone signs in again.");
  console.log(lines.join("\n"));
});
