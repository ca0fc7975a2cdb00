import { closeDatabase, getDatabase } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { runCli } from "./cli";

runCli(async () => {
  const env = getEnv();
  const applied = await getDatabase().migrate();
  await closeDatabase();
  console.log(
    applied.length === 0
      ? `Database (${env.databaseMode}) is up to date.`
      : `Applied ${applied.length} migration(s) to the ${env.databaseMode} database: ${applied.join(", ")}`,
  );
});
