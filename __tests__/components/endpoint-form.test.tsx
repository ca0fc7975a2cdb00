/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { EndpointForm, type EndpointFormProps } from "@/app/orgs/[slug]/settings/webhooks/_components/endpoint-form";
import { apiError, invalidBody, rateLimited } from "./msw/errors";
import { makeEndpointJson, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";
import { eventOptions } from "@/app/orgs/[slug]/settings/webhooks/_components/event-options";

const server = setupApiServer();

const EVENTS: EndpointFormProps["events"] = [
  { name: "invoice.paid", description: "An invoice was paid.", sample: null, schema: null },
  { name: "customer.created", description: "A customer signed up.", sample: null, schema: null },
];

function renderForm(props: Partial<EndpointFormProps> = {}) {
  return renderInOrganization(<EndpointForm mode="create" events={EVENTS} allowPrivateNetwork={false} descriptionMaxLength={500} {...props} />);
}

const urlField = () => screen.getByRole("textbox", { name: "Endpoint URL" });
const descriptionField = () => screen.getByRole("textbox", { name: "Description" });

describe("endpoint form", () => {
  it("shows each catalogue type's description, example envelope and data schema", async () => {
    const { user } = renderForm({ events: eventOptions() });
    await user.click(screen.getByRole("checkbox", { name: /All events/ }));
    const item = screen.getByRole("checkbox", { name: "invoice.paid" }).closest("li")!;
    expect(within(item).getByText("An invoice was paid in full.")).toBeTruthy();
    await user.click(within(item).getByText("Example payload"));
    expect(JSON.parse(item.querySelectorAll("pre")[0]!.textContent!)).toMatchObject({ event: "invoice.paid", data: { invoiceId: "inv_123", amount: 4200, currency: "usd" } });
    await user.click(within(item).getByText("Schema of data"));
    const schema = JSON.parse(item.querySelectorAll("pre")[1]!.textContent!);
    expect(schema).toMatchObject({ type: "object", required: ["invoiceId", "amount", "currency"], properties: { currency: { pattern: "^([a-z]{3}|[A-Z]{3})$" } } });
  });

  it("creates an endpoint from what the user typed and shows its signing secret once", async () => {
    const endpoint = makeEndpointJson({ url: "https://hooks.example.com/billing", eventTypes: ["invoice.paid"] });
    server.use(api.createEndpoint({ endpoint, secret: "whsec_c2VjcmV0LXNpZ25pbmcta2V5" }));
    const { user, router } = renderForm();

    await user.type(urlField(), "  https://hooks.example.com/billing ");
    await user.type(descriptionField(), "Billing service");
    await user.click(screen.getByRole("checkbox", { name: /All events/ }));
    await user.click(screen.getByRole("checkbox", { name: "invoice.paid" }));
    await user.click(screen.getByRole("button", { name: "Create endpoint" }));

    expect(await screen.findByRole("heading", { name: "Endpoint created" })).toBeTruthy();
    expect(screen.getByText("whsec_c2VjcmV0LXNpZ25pbmcta2V5")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Copy signing secret" })).toBeTruthy();
    expect(received).toEqual([
      {
        method: "POST",
        path: "/api/webhooks/endpoints",
        body: { url: "https://hooks.example.com/billing", description: "Billing service", eventTypes: ["invoice.paid"] },
        organizationId: makeOrganization().id,
      },
    ]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("creates an Ed25519 endpoint when asked, and shows its public key instead of a secret", async () => {
    const publicKey = "whpk_8Ul9N5Y8qCWmK6yXUQbd0mG3i9TF1pNiLKuwRY7HmoY=";
    const endpoint = makeEndpointJson({ signatureScheme: "ed25519", publicKey });
    server.use(api.createEndpoint({ endpoint }));
    const { user } = renderForm();

    expect(screen.getByRole("radio", { name: /HMAC-SHA256/ })).toHaveProperty("checked", true);
    await user.type(urlField(), "https://hooks.example.com/billing");
    await user.click(screen.getByRole("radio", { name: /Ed25519/ }));
    await user.click(screen.getByRole("button", { name: "Create endpoint" }));

    expect(await screen.findByRole("heading", { name: "Endpoint created" })).toBeTruthy();
    expect(screen.getByTestId("endpoint-public-key").textContent).toBe(publicKey);
    expect(screen.queryByTestId("endpoint-secret")).toBeNull();
    expect(screen.queryByText(/Copy the signing secret now/)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Copy public key" }));
    expect(await navigator.clipboard.readText()).toBe(publicKey);
    expect(received.map((request) => request.body)).toEqual([
      { url: "https://hooks.example.com/billing", description: "", eventTypes: [], signatureScheme: "ed25519" },
    ]);
  });

  it("offers the signature scheme only when creating: an edit never changes it", async () => {
    renderForm({ mode: "edit", endpoint: { id: "ep_01jd7k9v1xq2w3e4r5t6y7u8i9", url: "https://hooks.example.com/billing", description: "", eventTypes: [] } });
    expect(screen.queryByRole("radio")).toBeNull();
  });

  it("saves an edited endpoint with a PATCH of its fields and says so", async () => {
    const endpoint = makeEndpointJson({ eventTypes: ["invoice.paid"] });
    server.use(api.updateEndpoint({ endpoint: { ...endpoint, description: "Billing (EU)" } }));
    const { user } = renderForm({ mode: "edit", endpoint: { id: endpoint.id, url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes } });

    expect(urlField()).toHaveProperty("value", endpoint.url);
    await user.clear(descriptionField());
    await user.type(descriptionField(), "Billing (EU)");
    await user.click(screen.getByRole("checkbox", { name: "customer.created" }));
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    expect(await screen.findByRole("status")).toHaveProperty("textContent", "Changes saved.");
    expect(received).toEqual([
      {
        method: "PATCH",
        path: `/api/webhooks/endpoints/${endpoint.id}`,
        body: { url: endpoint.url, description: "Billing (EU)", eventTypes: ["invoice.paid", "customer.created"] },
        organizationId: makeOrganization().id,
      },
    ]);
  });

  it("shows each of a 400's issues next to the field it names", async () => {
    server.use(
      api.createEndpoint(
        invalidBody([
          { path: ["url"], message: "Too big: expected string to have <=2048 characters", code: "too_big" },
          { path: ["eventTypes", "1"], message: "Invalid input: expected string", code: "invalid_type" },
        ]),
      ),
    );
    const { user } = renderForm();

    await user.type(urlField(), "https://hooks.example.com/billing");
    await user.click(screen.getByRole("button", { name: "Create endpoint" }));

    expect(await screen.findByRole("textbox", { name: "Endpoint URL", description: /Too big: expected string to have <=2048 characters/ })).toBe(document.activeElement);
    expect(screen.getByText("Invalid input: expected string")).toBeTruthy();
    expect(descriptionField().getAttribute("aria-invalid")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says why when the organization has no endpoints left (409)", async () => {
    server.use(
      api.createEndpoint(
        apiError(409, "endpoint_limit_reached", "This organization has 50 endpoints, the most this installation allows (50); delete one to add another", { limit: 50, current: 50 }),
      ),
    );
    const { user } = renderForm();

    await user.type(urlField(), "https://hooks.example.com/billing");
    await user.click(screen.getByRole("button", { name: "Create endpoint" }));

    expect((await screen.findByRole("alert")).textContent).toContain("the most this installation allows (50)");
    expect(screen.queryByRole("heading", { name: "Endpoint created" })).toBeNull();
  });

  it("puts the server's URL refusal (422) at the URL field, even where the browser-side hint stays silent", async () => {
    const refusal = "URL must not point to a private IP address: link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10) are never reachable";
    server.use(api.createEndpoint(apiError(422, "invalid_url", refusal)));
    // A development server allows private addresses, so the form leaves the verdict to it.
    const { user } = renderForm({ allowPrivateNetwork: true });

    await user.type(urlField(), "http://169.254.169.254/latest/meta-data");
    await user.tab();
    expect(urlField().getAttribute("aria-invalid")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Create endpoint" }));

    expect(await screen.findByRole("textbox", { name: "Endpoint URL", description: new RegExp(refusal.replace(/[()/.]/g, "\\$&")) })).toBe(document.activeElement);
    expect(received).toHaveLength(1);
  });

  it("shows a 429's wait in the banner and keeps what the user typed", async () => {
    // No limit guards this route today; a 429 from any route reaches the form this way.
    server.use(api.createEndpoint(rateLimited({ what: "endpoint changes", limit: "20/1m", retryAfterSeconds: 37 })));
    const { user } = renderForm();

    await user.type(urlField(), "https://hooks.example.com/billing");
    await user.click(screen.getByRole("button", { name: "Create endpoint" }));

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/try again in 37 s/)).toBeTruthy();
    expect(urlField()).toHaveProperty("value", "https://hooks.example.com/billing");
  });

  it("asks for a URL without calling the server", async () => {
    const { user } = renderForm();
    await user.click(screen.getByRole("button", { name: "Create endpoint" }));
    expect(screen.getByRole("textbox", { name: "Endpoint URL", description: /Enter the URL that should receive events/ })).toBe(document.activeElement);
    expect(received).toHaveLength(0);
  });
});
