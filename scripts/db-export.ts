import { exportDatabase } from "@/lib/database/backup-export";
import { BackupError } from "@/lib/database/backup-format";
import { embeddedDatabaseExists } from "@/lib/database/connect";
import { closeDatabase, getDatabase } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { parseFileArguments, runCli } from "./cli";

const USAGE = "npm run db:export -- [--include-local-secrets] <file.jsonl | file.jsonl.gz>";

/** `npm run db:export -- backup.jsonl`: every carried table into one file. See README "Backups". */
runCli(async () => {
  const { file, flags } = parseFileArguments(process.argv.slice(2), ["--include-local-secrets"], USAGE);
  const env = getEnv();
  // Opening an embedded database that is not there would create an empty one.
  if (env.databaseMode === "embedded" && !embeddedDatabaseExists(env.dataDir)) {
    throw new BackupError("nothing_to_export", `there is no embedded database in ${env.dataDir}; set DATA_DIR to the folder npm start used, or DATABASE_URL`);
  }
  const includeLocal = flags.has("--include-local-secrets");
  const result = await exportDatabase({ database: getDatabase(), file, localSecretsDir: includeLocal ? env.dataDir : undefined });
  await closeDatabase();

  const total = Object.values(result.rows).reduce((sum, count) => sum + count, 0);
  const lines = [
    `Exported ${total} rows of ${Object.keys(result.rows).length} tables from the ${env.databaseMode} database (schema ${result.migrations.at(-1)}) to ${result.file}.`,
    ...Object.entries(result.rows).map(([table, count]) => `  ${table}: ${count}`),
  ];
  if (result.skipped.length > 0) lines.push(`Not carried: ${result.skipped.join(", ")} (sessions, tokens and worker state; see README).`);
  if (result.encryptionKeyIds.length > 0) {
    const ids = result.encryptionKeyIds.map((id) => `"${id}"`).join(", ");
    lines.push(`Endpoint secrets are in the file encrypted as stored, under key id ${ids}: the database you import into needs the same key(s).`);
    if (env.webhookEncryptionKeys) lines.push("  Import with the same WEBHOOK_ENCRYPTION_KEYS.");
    else if (result.localFiles.includes("encryption-key")) lines.push(`  ${env.dataDir}/encryption-key is inside the backup (--include-local-secrets); import restores it.`);
    else lines.push(`  Copy ${env.dataDir}/encryption-key (and auth-secret, demo-credentials) to the importing DATA_DIR, or export with --include-local-secrets.`);
  }
  if (includeLocal) {
    lines.push(result.localFiles.length > 0 ? `Local secret files included: ${result.localFiles.join(", ")}.` : `No local secret files found in ${env.dataDir}.`);
  }
  lines.push("The file holds password hashes, API key hashes and encrypted secrets" + (result.localFiles.length > 0 ? " and the local keys" : "") + ": keep it as safe as the database.");
  console.log(lines.join("\n"));
});
