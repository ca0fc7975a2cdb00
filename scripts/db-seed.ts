import { closeDatabase, getDatabase } from "@/lib/db";
import { seedDemoData } from "@/lib/seed";
import { seedDemoAdmin } from "@/lib/auth/demo";
import { runCli } from "./cli";

runCli(async () => {
  const database = getDatabase();
  await database.migrate();
  const { organization, created } = await seedDemoData(database.prisma);
  const admin = await seedDemoAdmin(organization.id);
  await closeDatabase();
  console.log(`${created ? "Created" : "Already present"}: demo organization "${organization.name}" (${organization.id})`);
  console.log(`Demo admin: ${admin.email}${admin.password ? ` / ${admin.password}` : ""}`);
});
