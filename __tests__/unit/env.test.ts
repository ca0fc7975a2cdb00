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
      runMode: "development",
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

  it("reads the egress proxy and the undeclared-types setting", () => {
    expect(parseEnv({ WEBHOOK_EGRESS_PROXY: " http://proxy.internal:3128 " })).toMatchObject({ webhookEgressProxy: "http://proxy.internal:3128" });
    expect(parseEnv({})).toMatchObject({ webhookEgressProxy: undefined, undeclaredEventTypes: "allow" });
    expect(parseEnv({ WEBHOOK_UNDECLARED_EVENT_TYPES: "REFUSE" }).undeclaredEventTypes).toBe("refuse");
  });

  it("traces are off unless an OTLP endpoint is set; the traces endpoint is used as given, the base one gets /v1/traces", () => {
    expect(parseEnv({}).tracing).toBeUndefined();
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318/" }).tracing).toEqual({
      tracesUrl: "http://otel-collector:4318/v1/traces",
      serviceName: "webhook-platform",
      sampler: "parentbased_always_on",
      samplerRatio: 1,
    });
    expect(
      parseEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example.com/otlp/traces",
        OTEL_SERVICE_NAME: "hooks-eu",
        OTEL_TRACES_SAMPLER: "ParentBased_TraceIdRatio",
        OTEL_TRACES_SAMPLER_ARG: "0.25",
      }).tracing,
    ).toEqual({ tracesUrl: "https://traces.example.com/otlp/traces", serviceName: "hooks-eu", sampler: "parentbased_traceidratio", samplerRatio: 0.25 });
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318", OTEL_SDK_DISABLED: "true" }).tracing).toBeUndefined();
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
    [{ WEBHOOK_EGRESS_PROXY: "socks5://proxy.internal:1080" }, /WEBHOOK_EGRESS_PROXY uses "socks5:" but the egress proxy must be an http/],
    [{ WEBHOOK_EGRESS_PROXY: "proxy.internal:3128" }, /WEBHOOK_EGRESS_PROXY (is not a URL|uses)/],
    [{ WEBHOOK_UNDECLARED_EVENT_TYPES: "sometimes" }, /WEBHOOK_UNDECLARED_EVENT_TYPES must be "allow" or "refuse"/],
    [{ LOG_LEVEL: "verbose" }, /LOG_LEVEL must be one of fatal, error/],
    [{ NODE_ENV: "staging" }, /NODE_ENV/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, /OTEL_EXPORTER_OTLP_ENDPOINT (is not a URL|uses)/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }, /OTEL_EXPORTER_OTLP_ENDPOINT is not a URL; expected the collector's OTLP\/HTTP address/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "grpc://collector:4317" }, /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT uses "grpc:" but traces are sent over OTLP\/HTTP/],
    [{ OTEL_TRACES_SAMPLER: "jaeger_remote" }, /OTEL_TRACES_SAMPLER must be one of parentbased_always_on/],
    [{ OTEL_TRACES_SAMPLER_ARG: "1.5" }, /OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/],
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

/** What production needs besides the mode (mail), so a test can name the one thing it is about. */
const SMTP = { SMTP_URL: "smtps://hooks:hunter2@mail.example.com:465" };

describe("parseEnv: run mode", () => {
  it.each<[Record<string, string>, "development" | "production"]>([
    [{}, "development"],
    [{ NODE_ENV: "test" }, "development"],
    [{ NODE_ENV: "production", ...SMTP }, "production"],
    [{ APP_ENV: "production", ...SMTP }, "production"],
    [{ APP_ENV: "Production ", ...SMTP }, "production"],
    [{ APP_ENV: "development", NODE_ENV: "production" }, "development"],
  ])("%j → %s", (source, mode) => {
    expect(parseEnv({ APP_URL: "https://hooks.example.com", ...source }).runMode).toBe(mode);
  });

  it("refuses an APP_ENV it does not know, instead of guessing", () => {
    expect(() => parseEnv({ APP_ENV: "staging" })).toThrow(/^Invalid configuration: APP_ENV must be "development" or "production"$/);
  });

  it.each([
    [{ WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" }, /WEBHOOK_ALLOW_PRIVATE_NETWORK is refused in production; open private receivers with WEBHOOK_ALLOWED_PRIVATE_CIDRS/],
    [{ WEBHOOK_ALLOW_HTTP: "true" }, /WEBHOOK_ALLOW_HTTP is refused in production; endpoints must use https/],
  ])("production refuses %j with one line", (flags, message) => {
    for (const mode of [{ NODE_ENV: "production" }, { APP_ENV: "production" }]) {
      let error: unknown;
      try {
        parseEnv({ ...mode, ...flags });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(EnvError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("\n");
    }
  });

  it("accepts the switches in development, where they change nothing", () => {
    expect(parseEnv({ WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", WEBHOOK_ALLOW_HTTP: "true" })).toMatchObject({ runMode: "development", allowPrivateNetwork: true });
  });

  it("reads and validates WEBHOOK_ALLOWED_PRIVATE_CIDRS", () => {
    expect(parseEnv({ NODE_ENV: "production", APP_URL: "https://hooks.example.com", ...SMTP, WEBHOOK_ALLOWED_PRIVATE_CIDRS: "10.1.0.0/16, fd12::/64" }).allowedPrivateCidrs).toEqual(["10.1.0.0/16", "fd12::/64"]);
    expect(() => parseEnv({ WEBHOOK_ALLOWED_PRIVATE_CIDRS: "10.1.0.0/16,10.1.0.0/99" })).toThrow(
      /WEBHOOK_ALLOWED_PRIVATE_CIDRS has "10.1.0.0\/99" is not a CIDR range such as 10.1.0.0\/16/,
    );
  });

  it("reads and validates TRUSTED_PROXIES", () => {
    expect(parseEnv({}).trustedProxies).toEqual([]);
    expect(parseEnv({ TRUSTED_PROXIES: "10.0.0.0/8, 127.0.0.1" }).trustedProxies.map(([range, bits]) => `${range.toString()}/${bits}`)).toEqual([
      "10.0.0.0/8",
      "127.0.0.1/32",
    ]);
    expect(() => parseEnv({ TRUSTED_PROXIES: "10.0.0.0/8,proxy.local" })).toThrow(/TRUSTED_PROXIES has "proxy.local" is not a CIDR range/);
  });
});

describe("parseEnv: production requirements", () => {
  it.each([
    [{}, /APP_URL must be set in production/],
    [{ APP_URL: "http://hooks.example.com" }, /APP_URL must be an https URL in production/],
  ])("refuses %j", (vars, message) => {
    expect(() => parseEnv({ APP_ENV: "production", ...vars })).toThrow(message);
  });

  it("accepts an https APP_URL", () => {
    expect(parseEnv({ APP_ENV: "production", ...SMTP, APP_URL: "https://hooks.example.com/" }).appUrl).toBe("https://hooks.example.com");
  });

  it.each<[Record<string, string>, boolean]>([
    [{}, true],
    [{ SEED_DEMO: "false" }, true],
    [{ APP_ENV: "production", APP_URL: "https://hooks.example.com" }, false],
    [{ APP_ENV: "production", APP_URL: "https://hooks.example.com", SEED_DEMO: "true" }, true],
  ])("seeds the demo data for %j: %s", (vars, seeded) => {
    expect(parseEnv({ ...SMTP, ...vars }).seedDemo).toBe(seeded);
  });
});

describe("parseEnv: mail", () => {
  it("defaults to the development mailbox, a From on the app's host, and optional verification", () => {
    expect(parseEnv({ APP_URL: "https://hooks.example.com/" })).toMatchObject({
      smtpUrl: undefined,
      mailFrom: "Webhooks <no-reply@hooks.example.com>",
      emailVerification: "optional",
    });
  });

  it("reads SMTP_URL, MAIL_FROM and EMAIL_VERIFICATION", () => {
    expect(parseEnv({ SMTP_URL: "smtp://user:pass@mail.example.com:587", MAIL_FROM: "Webhooks <no-reply@example.com>", EMAIL_VERIFICATION: "Required" })).toMatchObject({
      smtpUrl: "smtp://user:pass@mail.example.com:587",
      mailFrom: "Webhooks <no-reply@example.com>",
      emailVerification: "required",
    });
    expect(parseEnv({ MAIL_FROM: "no-reply@example.com" }).mailFrom).toBe("no-reply@example.com");
  });

  it.each([
    [{ SMTP_URL: "https://user:hunter2@mail.example.com" }, /^Invalid configuration: SMTP_URL uses "https:" but only smtp:\/\/ and smtps:\/\/ are supported$/],
    [{ SMTP_URL: "mail.example.com:hunter2" }, /^Invalid configuration: SMTP_URL uses "mail.example.com:"/],
    [{ SMTP_URL: "not a url hunter2" }, /^Invalid configuration: SMTP_URL is not a URL/],
    [{ MAIL_FROM: "Webhooks" }, /^Invalid configuration: MAIL_FROM must be an address/],
    [{ MAIL_FROM: "a@b.example\r\nBcc: x@y.example" }, /^Invalid configuration: MAIL_FROM must be an address/],
    [{ EMAIL_VERIFICATION: "sometimes" }, /^Invalid configuration: EMAIL_VERIFICATION must be "optional" or "required"$/],
  ])("refuses %j in one line, without the password", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
    expect(() => parseEnv(source)).toThrow(expect.objectContaining({ message: expect.not.stringContaining("hunter2") }));
  });

  it("refuses production without SMTP_URL, in one line", () => {
    for (const mode of [{ NODE_ENV: "production", APP_URL: "https://hooks.example.com" }, { APP_ENV: "production", APP_URL: "https://hooks.example.com" }]) {
      expect(() => parseEnv(mode)).toThrow(/^Invalid configuration: SMTP_URL must be set in production \(e\.g\. smtps:\/\/user:password@mail\.example\.com:465\) so account mails can be sent$/);
      expect(parseEnv({ ...mode, ...SMTP }).smtpUrl).toBe(SMTP.SMTP_URL);
    }
  });
});
