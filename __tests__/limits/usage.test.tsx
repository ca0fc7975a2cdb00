import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { UsageSummary } from "@/app/orgs/[slug]/settings/webhooks/_components/usage";
import { organizationUsage, type OrganizationUsage } from "@/lib/limits/usage";
import { sendWebhookNotification } from "@/lib/webhooks";
import { claimDueDeliveries } from "@/lib/webhooks/worker";
import { setupTestDatabase } from "../helpers/database";
import { withEnv } from "../helpers/env";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";

const db = setupTestDatabase();
allowLoopbackDelivery();
beforeEach(() => db.truncate());

function text(element: ReactElement): string {
  return renderToStaticMarkup(element).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}

describe("organizationUsage", () => {
  withEnv({ WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION: "2", WEBHOOK_ORGANIZATION_CONCURRENCY: "3" });

  it("counts endpoints, attempts in flight and due deliveries of one organization against the caps", async () => {
    const org = await makeOrganization();
    const neighbour = await makeOrganization("Neighbour");
    await makeEndpoint({ organizationId: org.id, url: "http://127.0.0.1:9/a" });
    await makeEndpoint({ organizationId: org.id, url: "http://127.0.0.1:9/b" });
    await makeEndpoint({ organizationId: neighbour.id, url: "http://127.0.0.1:9/c" });
    for (let i = 0; i < 3; i++) await sendWebhookNotification(org.id, "order.created", `o-${i}`, {});
    await claimDueDeliveries(10, { workerId: "w1", endpointConcurrency: 100 });

    const usage = await organizationUsage({ organizationId: org.id });
    expect(usage).toEqual({
      endpoints: { count: 2, limit: 2, reached: true },
      inFlight: { count: 3, limit: 3, reached: true },
      waiting: 3,
    });
    expect(await organizationUsage({ organizationId: neighbour.id })).toMatchObject({ endpoints: { count: 1, reached: false }, inFlight: { count: 0 } });
  });
});

describe("UsageSummary", () => {
  const usage = (overrides: Partial<OrganizationUsage> = {}): OrganizationUsage => ({
    endpoints: { count: 3, limit: 50, reached: false },
    inFlight: { count: 12, limit: null, reached: false },
    waiting: 0,
    ...overrides,
  });

  it("shows the numbers, and no notice below the caps", () => {
    expect(text(<UsageSummary usage={usage()} canManage />)).toBe("Endpoints: 3 of 50 Attempts in flight: 12");
  });

  it("says when the endpoint cap is reached, and what a manager can do", () => {
    const shown = text(<UsageSummary usage={usage({ endpoints: { count: 50, limit: 50, reached: true } })} canManage />);
    expect(shown).toContain("Endpoint limit reached: 50 of 50");
    expect(shown).toContain("Delete an endpoint you no longer need to add another.");
    expect(text(<UsageSummary usage={usage({ endpoints: { count: 50, limit: 50, reached: true } })} canManage={false} />)).not.toContain("Delete");
  });

  it("says when the in-flight cap is reached and how many deliveries wait", () => {
    const shown = text(<UsageSummary usage={usage({ inFlight: { count: 100, limit: 100, reached: true }, waiting: 7 })} canManage />);
    expect(shown).toContain("Attempts in flight: 100 of 100");
    expect(shown).toContain("At the in-flight limit: 100 of 100 attempts");
    expect(shown).toContain("7 deliveries are due and wait for an attempt to finish.");
  });
});
