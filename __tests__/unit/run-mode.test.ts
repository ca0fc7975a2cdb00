import { decideRunMode, establishRunMode, isDevelopmentStart, isRunModeDecided, runMode } from "@/lib/run-mode";

const originalEnv = process.env;
afterEach(() => {
  process.env = originalEnv;
  delete (globalThis as { __runModeDecision?: unknown }).__runModeDecision;
});

describe("decideRunMode", () => {
  it.each<[Record<string, string>, string, string]>([
    [{}, "development", "default"],
    [{ NODE_ENV: "development" }, "development", "default"],
    [{ NODE_ENV: "test" }, "development", "default"],
    [{ NODE_ENV: "production" }, "production", "NODE_ENV"],
    [{ APP_ENV: "production" }, "production", "APP_ENV"],
    [{ APP_ENV: "development", NODE_ENV: "production" }, "development", "APP_ENV"],
    [{ APP_ENV: "staging", NODE_ENV: "production" }, "production", "NODE_ENV"],
  ])("%j → %s (from %s)", (source, mode, from) => {
    expect(decideRunMode(source)).toEqual({ mode, from });
  });
});

describe("a process that decided its mode", () => {
  it("keeps the decision after NODE_ENV changes, as Next's prepare() does", () => {
    process.env = { ...originalEnv, APP_ENV: undefined, NODE_ENV: "development" } as NodeJS.ProcessEnv;
    expect(isRunModeDecided()).toBe(false);
    expect(establishRunMode()).toEqual({ mode: "development", from: "default" });
    (process.env as Record<string, string>).NODE_ENV = "production";
    expect(runMode()).toBe("development");
    expect(isDevelopmentStart()).toBe(true);
    // A second call (another entry point in the same process) keeps the first decision.
    expect(establishRunMode()).toEqual({ mode: "development", from: "default" });
  });

  it("hands the decision to child processes through APP_ENV", () => {
    process.env = { ...originalEnv, APP_ENV: undefined, NODE_ENV: "production" } as NodeJS.ProcessEnv;
    establishRunMode();
    expect(process.env.APP_ENV).toBe("production");
    expect(decideRunMode({ ...process.env, NODE_ENV: "development" }).mode).toBe("production");
  });
});

describe("a process that did not decide (a library caller, tests)", () => {
  it("reads NODE_ENV at call time and keeps development relaxations off", () => {
    process.env = { ...originalEnv, APP_ENV: undefined, NODE_ENV: "test" } as NodeJS.ProcessEnv;
    expect(runMode()).toBe("development");
    expect(isDevelopmentStart()).toBe(false);
    (process.env as Record<string, string>).NODE_ENV = "production";
    expect(runMode()).toBe("production");
  });
});
