import { GET } from "@/app/api/health/route";
import { closeDatabase } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { setupTestDatabase } from "../helpers/database";

setupTestDatabase();

describe("GET /api/health", () => {
  it("answers 200 after a real query", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 503 when the database is unreachable", async () => {
    const saved = process.env.DATABASE_URL;
    await closeDatabase();
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/nothing"; // a closed port
    resetEnvCache();
    try {
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "error", database: "unreachable" });
    } finally {
      await closeDatabase();
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      resetEnvCache();
    }
  });
});
