import { WebhookValidationError } from "@/lib/webhooks/errors";
import { isPublicAddress } from "@/lib/ip-address";
import { allowPrivateNetwork, assertValidWebhookUrl, validateWebhookUrl } from "@/lib/webhooks/url-guard";

const originalEnv = process.env;

/** Replaces process.env with a copy of the original plus `vars`; `afterEach` puts the original back. */
function setEnv(vars: Record<string, string | undefined>): void {
  process.env = {
    ...originalEnv,
    NODE_ENV: "test",
    APP_ENV: undefined,
    WEBHOOK_ALLOW_PRIVATE_NETWORK: undefined,
    WEBHOOK_ALLOW_HTTP: undefined,
    WEBHOOK_ALLOWED_PRIVATE_CIDRS: undefined,
    ...vars,
  } as NodeJS.ProcessEnv;
}

// Every test starts from NODE_ENV=test, no decided run mode and the private-network flag off, whatever the shell has.
beforeEach(() => setEnv({}));
afterEach(() => {
  process.env = originalEnv;
});

const ORIGIN = "https://example.com/";
const AT_LIMIT = ORIGIN + "a".repeat(2048 - ORIGIN.length);
const OVER_LIMIT = AT_LIMIT + "a";

const PRIVATE_IP = /private IP/;
const LOCALHOST = /localhost/;
const SCHEME = /http or https/;
const CREDENTIALS = /credentials/;
const METADATA = /private IP.*link-local and cloud metadata/;

/** [url, null when valid | what the error must match] */
const cases: Array<[string, RegExp | null]> = [
  // Accepted: public names and IPs, ports, paths, queries.
  ["https://example.com", null],
  ["https://example.com/webhooks/stripe?tenant=42&x=%20y#frag", null],
  ["http://example.com:8080/hook", null],
  ["https://hooks.example.co.uk:8443/a/b/c", null],
  ["HTTPS://EXAMPLE.COM/Path", null],
  ["https://8.8.8.8/hook", null],
  ["http://8.8.8.8:80/", null],
  ["https://[2606:4700:4700::1111]/hook", null],
  ["https://[2606:4700:4700::1111]:8443/hook?q=1", null],
  ["http://172.15.0.1/", null],
  ["http://172.32.0.1/", null],
  ["http://100.63.255.255/", null],
  ["https://localhost.example.com/", null],
  ["https://mylocalhost/", null],
  [AT_LIMIT, null],
  // Length, parsing, scheme.
  [OVER_LIMIT, /at most 2048 characters/],
  ["", /not valid/],
  ["not a url", /not valid/],
  ["https://", /not valid/],
  ["http://256.0.0.1/", /not valid/],
  ["ftp://example.com/file", SCHEME],
  ["file:///etc/passwd", SCHEME],
  ["javascript:alert(1)", SCHEME],
  ["data:text/plain,hello", SCHEME],
  ["ws://example.com/socket", SCHEME],
  // Credentials.
  ["https://user:pass@example.com", CREDENTIALS],
  ["https://user@example.com", CREDENTIALS],
  ["https://:secret@example.com/", CREDENTIALS],
  // localhost in every spelling.
  ["http://localhost/", LOCALHOST],
  ["http://LOCALHOST:3000/hook", LOCALHOST],
  ["http://localhost./", LOCALHOST],
  ["http://api.localhost/", LOCALHOST],
  ["http://API.Localhost./x", LOCALHOST],
  // IPv4 that is not public, in every encoding WHATWG folds to dotted decimal.
  ["http://127.0.0.1/", PRIVATE_IP],
  ["http://127.1/", PRIVATE_IP],
  ["http://0x7f.1/", PRIVATE_IP],
  ["http://2130706433/", PRIVATE_IP],
  ["http://0177.0.0.1/", PRIVATE_IP],
  ["http://127.0.0.1./", PRIVATE_IP],
  ["http://0.0.0.0/", PRIVATE_IP],
  ["http://0/", PRIVATE_IP],
  ["http://10.0.0.1/", PRIVATE_IP],
  ["http://10.255.255.255:8080/", PRIVATE_IP],
  ["http://172.16.0.1/", PRIVATE_IP],
  ["http://172.31.255.255/", PRIVATE_IP],
  ["http://192.168.1.1/", PRIVATE_IP],
  ["http://169.254.169.254/latest/meta-data/", METADATA],
  ["http://169.254.0.1/", METADATA],
  ["http://100.100.100.200/latest/meta-data/", METADATA],
  ["http://168.63.129.16/", METADATA],
  ["http://100.64.0.1/", PRIVATE_IP],
  ["http://224.0.0.1/", PRIVATE_IP],
  ["http://255.255.255.255/", PRIVATE_IP],
  ["http://192.0.2.1/", PRIVATE_IP],
  ["http://198.51.100.1/", PRIVATE_IP],
  ["http://203.0.113.1/", PRIVATE_IP],
  // IPv6 that is not public.
  ["http://[::1]/", PRIVATE_IP],
  ["http://[::]/", PRIVATE_IP],
  ["http://[fc00::1]/", PRIVATE_IP],
  ["http://[fd12::1]/", PRIVATE_IP],
  ["http://[fe80::1]/", METADATA],
  ["http://[fd00:ec2::254]/", METADATA],
  ["http://[::ffff:169.254.169.254]/", METADATA],
  ["http://[::ffff:127.0.0.1]/", PRIVATE_IP],
  ["http://[::ffff:7f00:1]/", PRIVATE_IP],
  ["http://[::ffff:a00:1]/", PRIVATE_IP],
  ["http://[2001:db8::1]/", PRIVATE_IP],
  ["http://[2002:7f00:1::]/", PRIVATE_IP],
  ["http://[::127.0.0.1]/", PRIVATE_IP],
  ["http://[64:ff9b::a9fe:a9fe]/", PRIVATE_IP],
  // Precedence when several rules apply.
  ["https://127.0.0.1/" + "a".repeat(2048), /at most 2048/],
  ["ftp://user:pass@127.0.0.1/", SCHEME],
  ["https://user:pass@localhost/", CREDENTIALS],
];

/** Test titles stay readable for the 2 KB rows. */
const label = (url: string) => (url.length > 80 ? `${url.slice(0, 40)}… (${url.length} chars)` : JSON.stringify(url));

describe("validateWebhookUrl", () => {
  test.each(cases.map(([url, error]) => [label(url), url, error] as const))("%s", (_title, url, error) => {
    const result = validateWebhookUrl(url);
    if (error === null) {
      expect(result).toEqual({ valid: true });
    } else {
      expect(result.valid).toBe(false);
      expect(result.error).toMatch(error);
    }
  });

  test.each([undefined, null, 42, {}, ["https://example.com"]])("never throws on non-string input %j", (input) => {
    expect(validateWebhookUrl(input as unknown as string)).toEqual({ valid: false, error: "URL is not valid" });
  });

  it("never echoes credentials in the error", () => {
    expect(validateWebhookUrl("https://admin:hunter2@example.com/").error).not.toContain("hunter2");
  });

  describe("in production", () => {
    beforeEach(() => setEnv({ NODE_ENV: "production" }));

    it("refuses http", () => {
      const result = validateWebhookUrl("http://example.com/hook");
      expect(result.valid).toBe(false);
      expect(result.error).toContain("HTTPS");
    });

    it("accepts https", () => {
      expect(validateWebhookUrl("https://example.com/hook")).toEqual({ valid: true });
    });

    it("still refuses private addresses over https", () => {
      expect(validateWebhookUrl("https://10.0.0.1/hook").error).toMatch(PRIVATE_IP);
    });

    // The old switches are refused at start in production; a library call ignores them.
    test.each([
      { WEBHOOK_ALLOW_HTTP: "true" },
      { WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" },
      { WEBHOOK_ALLOW_HTTP: "true", WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" },
    ])("ignores %j", (flags) => {
      setEnv({ NODE_ENV: "production", ...flags });
      expect(validateWebhookUrl("http://example.com/hook").error).toContain("HTTPS");
      expect(validateWebhookUrl("https://10.0.0.1/hook").error).toMatch(PRIVATE_IP);
      expect(validateWebhookUrl("https://localhost/hook").error).toMatch(LOCALHOST);
    });

    it("reports the address reason before the scheme reason", () => {
      expect(validateWebhookUrl("http://10.0.0.1/hook").error).toMatch(PRIVATE_IP);
      expect(validateWebhookUrl("http://localhost/hook").error).toMatch(LOCALHOST);
      expect(validateWebhookUrl("http://169.254.169.254/").error).toMatch(METADATA);
    });

    it("decides by APP_ENV over NODE_ENV", () => {
      setEnv({ NODE_ENV: "production", APP_ENV: "development" });
      expect(validateWebhookUrl("http://127.0.0.1:4100/hook")).toEqual({ valid: true });
      setEnv({ NODE_ENV: "development", APP_ENV: "production" });
      expect(validateWebhookUrl("http://example.com/hook").error).toContain("HTTPS");
    });

    it("reads NODE_ENV at call time", () => {
      setEnv({ NODE_ENV: "development" });
      expect(validateWebhookUrl("http://example.com/hook")).toEqual({ valid: true });
    });

    describe("with WEBHOOK_ALLOWED_PRIVATE_CIDRS", () => {
      beforeEach(() => setEnv({ NODE_ENV: "production", WEBHOOK_ALLOWED_PRIVATE_CIDRS: "10.1.0.0/16, fd12::/64, 127.0.0.1" }));

      test.each(["https://10.1.2.3/hook", "https://[fd12::5]/hook", "https://127.0.0.1:8443/", "https://localhost/hook", "https://[::ffff:10.1.0.9]/"])(
        "opens %s",
        (url) => {
          expect(validateWebhookUrl(url)).toEqual({ valid: true });
        },
      );

      test.each<[string, RegExp]>([
        ["https://10.2.0.1/hook", PRIVATE_IP],
        ["https://192.168.1.1/hook", PRIVATE_IP],
        ["https://[fd13::1]/", PRIVATE_IP],
        ["http://10.1.2.3/hook", /HTTPS/],
        ["https://169.254.169.254/", METADATA],
      ])("keeps %s refused", (url, error) => {
        expect(validateWebhookUrl(url).error).toMatch(error);
      });

      it("never opens link-local or metadata, even when listed", () => {
        setEnv({ NODE_ENV: "production", WEBHOOK_ALLOWED_PRIVATE_CIDRS: "169.254.0.0/16,fe80::/10,0.0.0.0/0" });
        expect(validateWebhookUrl("https://169.254.169.254/").error).toMatch(METADATA);
        expect(validateWebhookUrl("https://[fe80::1]/").error).toMatch(METADATA);
        expect(validateWebhookUrl("https://10.9.9.9/")).toEqual({ valid: true });
      });
    });
  });

  describe("in an app started in development (APP_ENV=development)", () => {
    beforeEach(() => setEnv({ APP_ENV: "development" }));

    test.each(["http://127.0.0.1:4100/hook", "http://localhost:3000/x", "http://api.localhost/", "http://[::1]/", "http://192.168.1.1/", "http://10.0.0.1/", "http://example.com/"])(
      "accepts %s",
      (url) => {
        expect(validateWebhookUrl(url)).toEqual({ valid: true });
      },
    );

    test.each<[string, RegExp]>([
      ["http://169.254.169.254/latest/meta-data/", METADATA],
      ["http://[fe80::1]/", METADATA],
      ["http://[fd00:ec2::254]/", METADATA],
      ["ftp://127.0.0.1/", SCHEME],
      ["http://user:pass@localhost/", CREDENTIALS],
    ])("still refuses %s", (url, error) => {
      expect(validateWebhookUrl(url).error).toMatch(error);
    });

    it("is development even though Next set NODE_ENV=production in the process", () => {
      setEnv({ APP_ENV: "development", NODE_ENV: "production" });
      expect(validateWebhookUrl("http://127.0.0.1:4100/hook")).toEqual({ valid: true });
    });
  });

  describe("with WEBHOOK_ALLOW_PRIVATE_NETWORK=true and no decided mode", () => {
    beforeEach(() => setEnv({ WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" }));

    test.each(["http://127.0.0.1:3000/hook", "http://localhost/x", "http://api.localhost/", "http://[::1]/"])("accepts %s", (url) => {
      expect(validateWebhookUrl(url)).toEqual({ valid: true });
    });

    test.each<[string, RegExp]>([
      ["ftp://127.0.0.1/", SCHEME],
      ["http://user:pass@localhost/", CREDENTIALS],
      ["https://user@127.0.0.1/", CREDENTIALS],
      ["https://localhost/" + "a".repeat(2048), /at most 2048/],
      ["not a url", /not valid/],
      ["http://169.254.169.254/", METADATA],
      ["http://[::ffff:169.254.169.254]/", METADATA],
    ])("still refuses %s", (url, error) => {
      expect(validateWebhookUrl(url).error).toMatch(error);
    });

    it("reads the flag on every call", () => {
      expect(validateWebhookUrl("http://localhost/x").valid).toBe(true);
      setEnv({});
      expect(validateWebhookUrl("http://localhost/x").valid).toBe(false);
    });
  });
});

describe("allowPrivateNetwork", () => {
  test.each<[string | undefined, boolean]>([
    [undefined, false],
    ["true", true],
    ["TRUE", false],
    ["1", false],
    ["false", false],
    ["", false],
  ])("WEBHOOK_ALLOW_PRIVATE_NETWORK=%j → %s", (value, expected) => {
    setEnv({ WEBHOOK_ALLOW_PRIVATE_NETWORK: value });
    expect(allowPrivateNetwork()).toBe(expected);
  });

  test.each<[Record<string, string>, boolean]>([
    [{ APP_ENV: "development" }, true],
    [{ APP_ENV: "production", WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" }, false],
    [{ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" }, false],
  ])("%j → %s", (vars, expected) => {
    setEnv(vars);
    expect(allowPrivateNetwork()).toBe(expected);
  });
});

describe("assertValidWebhookUrl", () => {
  test.each([
    ["HTTPS://Example.COM", "https://example.com/"],
    ["https://example.com:443/a/../b?x=1", "https://example.com/b?x=1"],
    ["http://8.8.8.8:80/hook", "http://8.8.8.8/hook"],
    ["  https://example.com/hook  ", "https://example.com/hook"],
  ])("normalises %j to %j", (input, expected) => {
    expect(assertValidWebhookUrl(input)).toBe(expected);
  });

  test.each([
    ["http://127.1/", /private IP/],
    ["ftp://example.com/", /http or https/],
    ["", /not valid/],
  ])("throws invalid_url for %j", (input, message) => {
    let error: unknown;
    try {
      assertValidWebhookUrl(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect(error).toMatchObject({ code: "invalid_url", message: expect.stringMatching(message) });
  });
});

describe("isPublicAddress", () => {
  test.each<[string, boolean]>([
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["2606:4700:4700::1111", true],
    ["[2606:4700:4700::1111]", true],
    ["::ffff:8.8.8.8", true],
    ["172.15.255.255", true],
    ["100.63.255.255", true],
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["169.254.169.254", false],
    ["198.18.0.1", false],
    ["240.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["::ffff:7f00:1", false],
    ["::7f00:1", false],
    ["::a00:1", false],
    ["[::1]", false],
    ["2002:7f00:1::", false],
    ["2002:808:808::", false],
    ["64:ff9b::808:808", false],
    ["2001::1", false],
    ["ff02::1", false],
    ["fe80::1%eth0", false],
    ["", false],
    ["not an ip", false],
    ["256.1.1.1", false],
    ["example.com", false],
  ])("%j → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
