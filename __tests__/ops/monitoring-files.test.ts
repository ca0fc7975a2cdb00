import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as metricsRoute from "@/app/api/metrics/route";
import { resetEnvCache } from "@/lib/env";
import { processDueDeliveries, sendWebhookNotification } from "@/lib/webhooks";
import { renderPrometheus } from "@/lib/webhooks/telemetry";
import { setupEngineTest } from "../helpers/engine";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondInSequence } from "../helpers/receiver";

/**
 * The monitoring files ops load (deploy/prometheus/alerts.yml, deploy/grafana/webhooks.json):
 * every metric they query is one /api/metrics exports, including the runtime's default
 * metrics; with promtool installed (always in CI), the rules and every dashboard query parse
 * and the rules' own unit tests pass.
 */
const harness = setupEngineTest();
const root = path.resolve(__dirname, "../..");
const RULES = path.join(root, "deploy/prometheus/alerts.yml");
const RULE_TESTS = path.join(root, "deploy/prometheus/alerts.test.yml");
const DASHBOARD = path.join(root, "deploy/grafana/webhooks.json");

const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((candidate) => existsSync(candidate));
if (!PROMTOOL && process.env.CI) throw new Error("promtool is required in CI (apt-get install prometheus)");
const withPromtool = PROMTOOL ? it : it.skip;

/** The PromQL of every alert rule (the `expr:` blocks, folded or on one line). */
function ruleExpressions(): string[] {
  const lines = readFileSync(RULES, "utf8").split("\n");
  const exprs: string[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!match) return;
    if (match[2] !== "|") return void exprs.push(match[2]!);
    const body: string[] = [];
    for (let next = index + 1; next < lines.length && (lines[next]!.trim() === "" || lines[next]!.search(/\S/) > match[1]!.length); next++) body.push(lines[next]!.trim());
    exprs.push(body.join(" "));
  });
  return exprs;
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { panels: { title: string; targets: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
}

/** Metric names a PromQL expression reads (ours and the runtime's). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:webhook|process|nodejs)_[a-z0-9_]+)\b/g)].map((match) => match[1]!);
}

/** Every sample name the exposition can carry: each `# TYPE`, with a histogram's or summary's parts. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === "histogram") for (const part of ["_bucket", "_sum", "_count"]) names.add(`${name}${part}`);
    if (type === "summary") for (const part of ["_sum", "_count"]) names.add(`${name}${part}`);
  }
  return names;
}

describe("monitoring files", () => {
  it("query only metrics that /api/metrics exports", async () => {
    const receiver = await harness.receiver(respondInSequence(200, 500));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    await sendWebhookNotification(org.id, "order.shipped", "one", {});
    await sendWebhookNotification(org.id, "order.shipped", "two", {});
    await processDueDeliveries();
    process.env.METRICS_TOKEN = "monitoring-token-0123456789";
    resetEnvCache();
    let exposition: string;
    try {
      const response = await metricsRoute.GET(new Request("http://localhost/api/metrics", { headers: { authorization: "Bearer monitoring-token-0123456789" } }));
      expect(response.status).toBe(200);
      exposition = await response.text();
    } finally {
      delete process.env.METRICS_TOKEN;
      resetEnvCache();
    }
    const exported = exportedNames(exposition);
    // The runtime's own numbers are there beside ours.
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_p99_seconds", "nodejs_gc_duration_seconds_sum", "webhook_oldest_due_wait_seconds"]) {
      expect({ name, exported: exported.has(name) }).toEqual({ name, exported: true });
    }
    const queried = [...ruleExpressions(), ...dashboardExpressions()];
    expect(ruleExpressions()).toHaveLength(5);
    expect(dashboardExpressions().length).toBeGreaterThanOrEqual(14);
    const unknown = [...new Set(queried.flatMap(metricNames))].filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
  });

  it("webhook_oldest_due_wait_seconds: how long the most overdue due delivery has waited, held ones left out", async () => {
    const { prisma } = await import("@/lib/db");
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/a" });
    const held = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/held" });
    const now = new Date();
    const gauge = async () => Number(/^webhook_oldest_due_wait_seconds \S+$/m.exec(await renderPrometheus({ now: () => now }))?.[0]?.split(" ")[1]);
    expect(await gauge()).toBe(0);
    await sendWebhookNotification(org.id, "order.shipped", "overdue", {});
    await prisma.webhookDelivery.updateMany({ where: { endpointId: endpoint.id }, data: { nextAttemptAt: new Date(now.getTime() - 1_200_000) } });
    // Held behind an open circuit on purpose: older, but not what workers owe.
    await prisma.webhookDelivery.updateMany({ where: { endpointId: held.endpoint.id }, data: { nextAttemptAt: new Date(now.getTime() - 7_200_000) } });
    await prisma.webhookCircuit.create({ data: { key: held.endpoint.id, state: "open", consecutiveFailures: 5, openedAt: now, probeAt: new Date(now.getTime() + 60_000) } });
    expect(await gauge()).toBe(1200);
  });

  withPromtool("pass promtool: the rules check, their unit tests, and every dashboard query parses", () => {
    expect(execFileSync(PROMTOOL!, ["check", "rules", RULES], { encoding: "utf8" })).toContain("SUCCESS: 5 rules found");
    expect(execFileSync(PROMTOOL!, ["test", "rules", path.basename(RULE_TESTS)], { cwd: path.dirname(RULE_TESTS), encoding: "utf8" })).toContain("SUCCESS");
    // The dashboard's queries as recording rules: promtool parses each one.
    const dir = mkdtempSync(path.join(os.tmpdir(), "dashboard-rules-"));
    try {
      const rules = dashboardExpressions().map((expr, index) => `      - record: dashboard:query_${index}\n        expr: ${JSON.stringify(expr)}`);
      writeFileSync(path.join(dir, "dashboard.yml"), `groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
      expect(execFileSync(PROMTOOL!, ["check", "rules", path.join(dir, "dashboard.yml")], { encoding: "utf8" })).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
