// Runs before every test file. DATABASE_URL (if any) names the server that
// database tests create their own throwaway databases on; remember it before a
// test file points DATABASE_URL at its own database.
process.env.TEST_ADMIN_DATABASE_URL ??= process.env.DATABASE_URL ?? "";
process.env.LOG_LEVEL ??= "silent";
process.env.NEXT_TELEMETRY_DISABLED = "1";
