import { closeDatabase, getDatabase } from "@/lib/db";
import { seedDemoData } from "@/lib/seed";
import { runCli } from "./cli";

runCli(async () => {
  const database = getDatabase();
  await database.migrate();
  const { organization, created } = await seedDemoData(database.prisma);
  await closeDatabase();
  console.log(`${created ? "Created" : "Already present"}: demo organization "${organization.name}" (${organization.id})`);
});
