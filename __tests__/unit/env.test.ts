import path from "node:path";
import { EnvError, parseEnv } from "@/lib/env";

describe("parseEnv", () => {
  it("defaults to the embedded database under .data", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      databaseMode: "embedded",
      databaseUrl: undefined,
      databasePoolSize: 10,
      dataDir: path.resolve(".data"),
      port: 3000,
      logLevel: "info",
      nodeEnv: "development",
    });
  });

  it.each([
    ["postgres://u@127.0.0.1:5432/app", "postgres"],
    ["postgresql://u:p@db.internal/app?sslmode=require", "postgres"],
    ["", "embedded"],
    ["   ", "embedded"],
  ])("DATABASE_URL=%j selects %s", (url, mode) => {
    expect(parseEnv({ DATABASE_URL: url }).databaseMode).toBe(mode);
  });

  it("reads pool size, port, data folder and log level", () => {
    const env = parseEnv({ DATABASE_POOL_SIZE: "25", PORT: "8080", DATA_DIR: "/var/lib/webhooks", LOG_LEVEL: "DEBUG" });
    expect(env).toMatchObject({ databasePoolSize: 25, port: 8080, dataDir: "/var/lib/webhooks", logLevel: "debug" });
    expect(parseEnv({ DATA_DIR: "memory://" }).dataDir).toBe("memory://");
  });

  it.each([
    [{ DATABASE_URL: "mysql://root@localhost/app" }, /DATABASE_URL uses "mysql:"/],
    [{ DATABASE_URL: "not a url" }, /DATABASE_URL is not a URL/],
    [{ DATABASE_POOL_SIZE: "0" }, /DATABASE_POOL_SIZE must be at least 1/],
    [{ DATABASE_POOL_SIZE: "ten" }, /DATABASE_POOL_SIZE must be a whole number/],
    [{ PORT: "70000" }, /PORT must be at most 65535/],
    [{ LOG_LEVEL: "verbose" }, /LOG_LEVEL must be one of fatal, error/],
    [{ NODE_ENV: "staging" }, /NODE_ENV/],
  ])("rejects %j with a message naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(message);
  });

  it("never echoes a password from a bad DATABASE_URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://root:hunter2@db/app" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });

  it("names every bad variable in one line", () => {
    let error: unknown;
    try {
      parseEnv({ PORT: "-1", LOG_LEVEL: "loud" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const { message, problems } = error as EnvError;
    expect(problems).toHaveLength(2);
    expect(message).not.toContain("\n");
    expect(message).toMatch(/PORT .*; LOG_LEVEL /);
  });
});
