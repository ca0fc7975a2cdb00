/**
 * The docs' Ed25519 section: its Node and Python verification code is, word for word, the code of
 * the receiver examples (which receivers.test.ts runs against real deliveries) and of the README,
 * the page shows it, and its worked example is true: both functions accept it and refuse it
 * changed, stale or under another key.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import {
  ED25519_NODE_SNIPPET,
  ED25519_NODE_VERIFY,
  ED25519_PYTHON_SNIPPET,
  ED25519_PYTHON_VERIFY,
  EXAMPLE_BODY,
  EXAMPLE_ED25519_HEADERS,
  EXAMPLE_PUBLIC_KEY,
} from "@/app/docs/webhooks/examples";
import WebhookDocsPage from "@/app/docs/webhooks/page";
import { generateSigningKeyPair } from "@/lib/webhooks/signing-keys";

// The page's header reads the session; the docs' content does not depend on it.
jest.mock("@/app/_components/site-header", () => ({ SiteHeader: () => null }));

const EXAMPLES_DIR = path.resolve(__dirname, "../../examples/receivers");
const nodeSource = fs.readFileSync(path.join(EXAMPLES_DIR, "node-express/server.js"), "utf8");
const pythonSource = fs.readFileSync(path.join(EXAMPLES_DIR, "python-flask/app.py"), "utf8");
const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");

const TIMESTAMP = Number(EXAMPLE_ED25519_HEADERS["webhook-timestamp"]);
/** Past the 5 minute tolerance, with a minute to spare. */
const STALE_SECONDS = 6 * 60;

interface Case {
  name: string;
  publicKey: string;
  headers: Record<string, string>;
  body: string;
  /** The verifier's clock, unix seconds. */
  now: number;
}

/** The worked example, and the ways it must be refused; `expected`: null for genuine, else a pattern of the reason. */
const CASES: (Case & { expected: RegExp | null })[] = [
  { name: "the worked example", publicKey: EXAMPLE_PUBLIC_KEY, headers: EXAMPLE_ED25519_HEADERS, body: EXAMPLE_BODY, now: TIMESTAMP, expected: null },
  { name: "one byte of the body changed", publicKey: EXAMPLE_PUBLIC_KEY, headers: EXAMPLE_ED25519_HEADERS, body: EXAMPLE_BODY.replace("inv_", "inw_"), now: TIMESTAMP, expected: /no matching signature/ },
  { name: "another public key", publicKey: generateSigningKeyPair().publicKey, headers: EXAMPLE_ED25519_HEADERS, body: EXAMPLE_BODY, now: TIMESTAMP, expected: /no matching signature/ },
  { name: "a clock 6 minutes later", publicKey: EXAMPLE_PUBLIC_KEY, headers: EXAMPLE_ED25519_HEADERS, body: EXAMPLE_BODY, now: TIMESTAMP + STALE_SECONDS, expected: /tolerance/ },
  {
    name: "a v1 entry only",
    publicKey: EXAMPLE_PUBLIC_KEY,
    headers: { ...EXAMPLE_ED25519_HEADERS, "webhook-signature": EXAMPLE_ED25519_HEADERS["webhook-signature"]!.replace("v1a,", "v1,") },
    body: EXAMPLE_BODY,
    now: TIMESTAMP,
    expected: /no matching signature/,
  },
  {
    name: "a v1 entry beside the v1a one",
    publicKey: EXAMPLE_PUBLIC_KEY,
    headers: { ...EXAMPLE_ED25519_HEADERS, "webhook-signature": `v1,c2lnbmF0dXJl ${EXAMPLE_ED25519_HEADERS["webhook-signature"]}` },
    body: EXAMPLE_BODY,
    now: TIMESTAMP,
    expected: null,
  },
];

describe("the docs' Ed25519 verification code", () => {
  it("is the receiver examples' code, word for word, and the README's", () => {
    expect(nodeSource).toContain(ED25519_NODE_VERIFY);
    expect(pythonSource).toContain(ED25519_PYTHON_VERIFY);
    expect(readme).toContain(ED25519_NODE_VERIFY);
    expect(readme).toContain(ED25519_PYTHON_VERIFY);
    expect(ED25519_NODE_SNIPPET).toContain(ED25519_NODE_VERIFY);
    expect(ED25519_PYTHON_SNIPPET).toContain(ED25519_PYTHON_VERIFY);
    // The imports the functions need are the examples' too.
    const pythonLines = new Set(pythonSource.split("\n").map((line) => line.trim()));
    for (const line of ED25519_PYTHON_SNIPPET.split("\n").filter((text) => text.includes("cryptography"))) expect(pythonLines).toContain(line);
    expect(nodeSource).toContain(ED25519_NODE_SNIPPET.split("\n")[0]);
  });

  it("in Node, accepts the worked example and refuses it changed, stale or under another key", () => {
    for (const { name, publicKey, headers, body, now, expected } of CASES) {
      // The functions on their own, with node:crypto, Buffer and a clock set to `now`.
      const clock = { now: () => now * 1000 };
      const { ed25519PublicKey, verifyEd25519Webhook } = new Function("crypto", "Buffer", "Date", `${ED25519_NODE_VERIFY}\nreturn { ed25519PublicKey, verifyEd25519Webhook };`)(
        crypto,
        Buffer,
        clock,
      );
      const problem = verifyEd25519Webhook(ed25519PublicKey(publicKey), headers, Buffer.from(body, "utf8"));
      expect({ name, problem }).toEqual({ name, problem: expected === null ? null : expect.stringMatching(expected) });
    }
  });

  // The first Python with the cryptography package; locally a missing one only skips, CI must run it.
  const python = ["python3", "/usr/bin/python3"].find(
    (candidate) => spawnSync(candidate, ["-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"], { stdio: "ignore", timeout: 30_000 }).status === 0,
  );
  const skipPython = python === undefined && !process.env.CI;
  if (skipPython) console.warn("Skipping the Python snippet's check: no python3 can import cryptography (apt-get install python3-cryptography)");

  (skipPython ? it.skip : it)("in Python, accepts the worked example and refuses it changed, stale or under another key", () => {
    if (python === undefined) throw new Error("no python3 can import cryptography (apt-get install python3-cryptography)");
    const script = [
      "import base64, json, sys, time",
      "from cryptography.exceptions import InvalidSignature",
      "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey",
      ED25519_PYTHON_VERIFY,
      "results = []",
      "for case in json.load(sys.stdin):",
      "    time.time = lambda: case['now']",
      "    key = ed25519_public_key(case['publicKey'])",
      "    results.append(ed25519_signature_problem(key, case['headers'], case['body'].encode()))",
      "print(json.dumps(results))",
    ].join("\n");
    const run = spawnSync(python, ["-c", script], { input: JSON.stringify(CASES), encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    const problems = JSON.parse(run.stdout) as (string | null)[];
    expect(CASES.map(({ name }, index) => ({ name, problem: problems[index] }))).toEqual(
      CASES.map(({ name, expected }) => ({ name, problem: expected === null ? null : expect.stringMatching(expected) })),
    );
  });
});

/** The text of an HTML fragment's elements matching `open`, entities decoded. */
function texts(html: string, open: RegExp): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(new RegExp(`${open.source}([\\s\\S]*?)</code>`, "g"))) {
    found.push(match[1]!.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&"));
  }
  return found;
}

describe("the docs page", () => {
  const html = renderToStaticMarkup(WebhookDocsPage());
  const start = html.indexOf('<section aria-labelledby="ed25519"');
  const section = html.slice(start, html.indexOf("</section>", start));

  it("has an Ed25519 section, listed in the table of contents", () => {
    expect(start).toBeGreaterThan(-1);
    expect(section).toContain("Ed25519 signatures (v1a)");
    expect(html).toContain('href="#ed25519"');
    for (const words of ["/api/webhooks/endpoints/[id]/public-key", "?format=pem", "signatureScheme", "x-webhook-signature", "Rotation"]) expect(section).toContain(words);
  });

  it("shows the two verification snippets and the worked example's values", () => {
    const blocks = texts(section, /<code class="language-\w+ font-mono">/);
    expect(blocks).toContain(ED25519_NODE_SNIPPET);
    expect(blocks).toContain(ED25519_PYTHON_SNIPPET);
    const values = texts(section, /<code class="break-all[^"]*">/);
    expect(values).toEqual(expect.arrayContaining([EXAMPLE_PUBLIC_KEY, EXAMPLE_BODY, EXAMPLE_ED25519_HEADERS["webhook-signature"]]));
  });
});
