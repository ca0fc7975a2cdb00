import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The command line of a PostgreSQL benchmark (`npm run bench:<name>`): numeric `--flags`,
 * DATABASE_URL required, the result printed and written to bench-results/<file>, exit 0 or 1.
 */
export function runPostgresBenchCli<T>(name: string, file: string, run: (databaseUrl: string, flag: (name: string) => number | undefined) => Promise<T>): void {
  const args = process.argv.slice(2);
  const flag = (flagName: string) => {
    const index = args.indexOf(flagName);
    return index >= 0 ? Number(args[index + 1]) : undefined;
  };
  const main = async () => {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error(`bench:${name} needs DATABASE_URL (a PostgreSQL server; a scratch database is created and dropped)`);
    const result = await run(databaseUrl, flag);
    const out = path.resolve(__dirname, "../../bench-results");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, file), JSON.stringify(result, null, 2));
    console.log(JSON.stringify(result, null, 2));
  };
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
