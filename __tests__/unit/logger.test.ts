import { Writable } from "node:stream";
import { createLogger } from "@/lib/logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: createLogger(stream, "info"), text: () => lines.join("") };
}

describe("log redaction", () => {
  it.each([
    ["a top-level secret", { secret: "whsec_TOPLEVEL" }],
    ["a nested token", { request: { token: "tok_NESTED" } }],
    ["a deeply nested authorization header", { err: { cause: { config: { headers: { authorization: "Bearer DEEP" } } } } }],
    ["a cookie header", { headers: { cookie: "better-auth.session_token=COOKIE" } }],
    ["a set-cookie header", { response: { headers: { "set-cookie": "session=SETCOOKIE" } } }],
    ["a password", { body: { password: "hunter2-PASSWORD" } }],
    ["an API key", { apiKey: "whk_APIKEY" }],
    ["an invitation id (the accept link's only secret)", { organizationId: "org_1", invitationId: "inv_INVITATION" }],
    ["a list of secrets", { endpoint: { secrets: ["whsec_A", "whsec_B"] } }],
  ])("censors %s", (_label, fields) => {
    const { logger, text } = capture();
    logger.info(fields, "something happened");
    const line = text();
    expect(line).toContain("[redacted]");
    expect(line).not.toMatch(/TOPLEVEL|NESTED|DEEP|COOKIE|PASSWORD|APIKEY|INVITATION|whsec_A|whsec_B/);
  });

  it("keeps ids, hosts and event types", () => {
    const { logger, text } = capture();
    logger.info({ endpointId: "ep_1", host: "hooks.example.com", event: "invoice.paid" }, "delivered");
    expect(JSON.parse(text())).toMatchObject({ endpointId: "ep_1", host: "hooks.example.com", event: "invoice.paid", msg: "delivered" });
  });
});
