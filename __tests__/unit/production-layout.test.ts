import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "@/lib/env";
import { parseKeyRing } from "@/lib/webhooks/secrets";

/**
 * The production layout's files (Procfile, deploy/systemd/) name commands and variables the
 * app must have: a renamed script or a newly required variable fails here, not on a server.
 * `npm run check:production` runs the layout itself.
 */
const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
const units = ["deploy/systemd/webhooks-web.service", "deploy/systemd/webhooks-worker@.service"];

/** What systemd's EnvironmentFile= reads: VARIABLE=value lines; `#` and `;` lines are comments. */
function environmentFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match && !/^\s*[#;]/.test(line)) variables[match[1]!] = match[2]!.trim();
  }
  return variables;
}

describe("the production layout", () => {
  it("Procfile runs the release migration, the web process and the worker with scripts package.json has", () => {
    const processes = Object.fromEntries(
      read("Procfile")
        .trim()
        .split("\n")
        .map((line) => line.split(/:\s+/, 2) as [string, string]),
    );
    expect(processes).toEqual({ release: "npm run db:migrate", web: "npm run start:web", worker: "npm run worker" });
    for (const command of Object.values(processes)) expect(scripts[command.replace("npm run ", "")]).toBeDefined();
  });

  it.each(units)("%s starts an npm script that exists and reads the shared environment file", (unit) => {
    const text = read(unit);
    const script = /^ExecStart=\S*npm run (\S+)$/m.exec(text)?.[1];
    expect(script && scripts[script]).toBeDefined();
    expect(text).toMatch(/^EnvironmentFile=\/etc\/webhooks\/webhooks\.env$/m);
  });

  it("the example environment file, once its secrets are filled in, is a valid production configuration on PostgreSQL", () => {
    const example = environmentFile(read("deploy/systemd/webhooks.env.example"));
    // The variables production refuses to start without are all there, the secrets left for the operator.
    for (const name of ["APP_ENV", "DATABASE_URL", "APP_URL", "SMTP_URL", "BETTER_AUTH_SECRET", "WEBHOOK_ENCRYPTION_KEYS"]) expect(example).toHaveProperty(name);
    expect(example.BETTER_AUTH_SECRET).toBe("");
    expect(example.WEBHOOK_ENCRYPTION_KEYS).toBe("");
    // Filled in with the commands the file gives for generating them.
    const generate = [...read("deploy/systemd/webhooks.env.example").matchAll(/Generate one with:[ \t]*(?:\n#[ \t]*)?(.+)$/gm)].map((match) => match[1]!.trim());
    expect(generate).toHaveLength(2);
    const [secret, keys] = generate.map((command) => execFileSync("sh", ["-c", command], { encoding: "utf8" }).trim());
    const filled = { ...example, BETTER_AUTH_SECRET: secret!, WEBHOOK_ENCRYPTION_KEYS: keys! };
    const env = parseEnv(filled);
    expect(env).toMatchObject({ runMode: "production", databaseMode: "postgres", appUrl: "https://hooks.example.com", authSecret: secret });
    expect(parseKeyRing(keys!).primary.id).toBe("k1");
  });
});
