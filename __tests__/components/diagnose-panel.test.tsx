/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { DiagnosePanel, type DiagnosisJson } from "@/app/orgs/[slug]/settings/webhooks/_components/diagnose-panel";
import { rateLimited } from "./msw/errors";
import { makeEndpointJson } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();
const endpoint = makeEndpointJson();

/** A diagnosis as the route answers it: an expired certificate stops it at TLS. */
const expired: DiagnosisJson = {
  endpointId: endpoint.id,
  host: "hooks.example.com",
  checkedAt: "2026-12-03T09:00:00.000Z",
  healthy: false,
  throughProxy: false,
  steps: [
    {
      name: "dns",
      title: "DNS resolution",
      status: "passed",
      durationMs: 4,
      summary: "hooks.example.com resolves to 93.184.216.34; deliveries may connect to every one.",
      fix: null,
      guide: "/docs/webhooks#troubleshoot-dns",
      addresses: [{ address: "93.184.216.34", family: 4, allowed: true, refusal: null }],
    },
    { name: "tcp", title: "TCP connection", status: "passed", durationMs: 21, summary: "Connected to 93.184.216.34:443.", fix: null, guide: "/docs/webhooks#troubleshoot-connect", connection: { address: "93.184.216.34", port: 443 } },
    {
      name: "tls",
      title: "TLS handshake",
      status: "failed",
      durationMs: 35,
      summary: "The certificate expired on 2026-11-30T12:00:00.000Z.",
      fix: "Renew it and reload the server so it serves the new one.",
      guide: "/docs/webhooks#troubleshoot-tls",
      certificate: {
        subject: "CN=hooks.example.com",
        names: ["hooks.example.com"],
        issuer: "CN=R11, O=Let's Encrypt, C=US",
        validFrom: "2026-09-01T12:00:00.000Z",
        validTo: "2026-11-30T12:00:00.000Z",
        daysLeft: -3,
        hostnameMatches: true,
        fingerprint256: "AB:CD",
        protocol: null,
      },
    },
    { name: "request", title: "Signed test request", status: "skipped", durationMs: null, summary: "Not sent: an earlier step failed.", fix: null, guide: "/docs/webhooks#troubleshoot-response" },
    { name: "signature", title: "Signature accepted", status: "skipped", durationMs: null, summary: "Not checked: no request was sent.", fix: null, guide: "/docs/webhooks#troubleshoot-signature" },
  ],
};

describe("Diagnose", () => {
  it("runs the diagnosis and shows each step's verdict, timing, findings, fix and guide link", async () => {
    server.use(api.diagnoseEndpoint({ diagnosis: expired }));
    const { user, router } = renderInOrganization(<DiagnosePanel endpointId={endpoint.id} />);
    await user.click(screen.getByRole("button", { name: "Diagnose" }));
    expect(screen.getByRole("link", { name: "troubleshooting guide" }).getAttribute("href")).toBe("/docs/webhooks#troubleshooting");
    await user.click(screen.getByRole("button", { name: "Run diagnosis" }));

    const result = await screen.findByTestId("diagnosis");
    expect(within(result).getByText("TLS handshake failed: deliveries to hooks.example.com cannot succeed until it is fixed.")).toBeTruthy();
    const tls = screen.getByTestId("diagnosis-step-tls");
    expect(within(tls).getByText("Failed")).toBeTruthy();
    expect(within(tls).getByText("35 ms")).toBeTruthy();
    expect(within(tls).getByText("The certificate expired on 2026-11-30T12:00:00.000Z.")).toBeTruthy();
    expect(within(tls).getByText("CN=R11, O=Let's Encrypt, C=US")).toBeTruthy();
    expect(within(tls).getByText(/3 days ago/)).toBeTruthy();
    expect(within(tls).getByText("Renew it and reload the server so it serves the new one.")).toBeTruthy();
    expect(within(tls).getByRole("link", { name: "More in the guide" }).getAttribute("href")).toBe("/docs/webhooks#troubleshoot-tls");
    const dns = screen.getByTestId("diagnosis-step-dns");
    expect(within(dns).getByText("Passed")).toBeTruthy();
    expect(within(dns).getByText("93.184.216.34 — allowed")).toBeTruthy();
    expect(within(dns).queryByRole("link", { name: "More in the guide" })).toBeNull();
    expect(within(screen.getByTestId("diagnosis-step-request")).getByText("Skipped")).toBeTruthy();

    expect(received).toMatchObject([{ method: "POST", path: `/api/webhooks/endpoints/${endpoint.id}/diagnose` }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("button", { name: "Run again" })).toBeTruthy();
  });

  it("links the test delivery a diagnosis sent, and says when every step passed", async () => {
    const passed: DiagnosisJson = {
      ...expired,
      healthy: true,
      steps: [
        expired.steps[0]!,
        {
          name: "request",
          title: "Signed test request",
          status: "passed",
          durationMs: 80,
          summary: "HTTP 200 in 80 ms (webhook-id msg_1).",
          fix: null,
          guide: "/docs/webhooks#troubleshoot-response",
          response: { deliveryId: "msg_1", statusCode: 200, durationMs: 80, excerpt: "ok", error: null },
        },
      ],
    };
    server.use(api.diagnoseEndpoint({ diagnosis: passed }));
    const { user } = renderInOrganization(<DiagnosePanel endpointId={endpoint.id} />);
    await user.click(screen.getByRole("button", { name: "Diagnose" }));
    await user.click(screen.getByRole("button", { name: "Run diagnosis" }));
    await screen.findByTestId("diagnosis");
    expect(screen.getByText("Every step passed: deliveries to hooks.example.com should succeed.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "View the test delivery" }).getAttribute("href")).toBe("/orgs/acme/settings/webhooks/history/msg_1");
  });

  it("shows why the diagnosis could not run", async () => {
    server.use(api.diagnoseEndpoint(rateLimited({ what: "test sends", limit: "10/1m", retryAfterSeconds: 42 })));
    const { user } = renderInOrganization(<DiagnosePanel endpointId={endpoint.id} />);
    await user.click(screen.getByRole("button", { name: "Diagnose" }));
    await user.click(screen.getByRole("button", { name: "Run diagnosis" }));
    expect(await screen.findByText("The diagnosis could not run")).toBeTruthy();
    expect(screen.getByText(/try again in 42 s/)).toBeTruthy();
    expect(screen.queryByTestId("diagnosis")).toBeNull();
  });
});
