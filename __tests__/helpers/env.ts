import { resetEnvCache } from "@/lib/env";

/**
 * Sets environment variables for this test file and puts the old values back
 * after it (Jest reuses the process for other files). The cached configuration
 * is re-read both times. `values` may be a function, for values known only once
 * an earlier `beforeAll` ran (a server's port).
 */
export function withEnv(values: Record<string, string> | (() => Record<string, string>)): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(typeof values === "function" ? values() : values)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    resetEnvCache();
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvCache();
  });
}
