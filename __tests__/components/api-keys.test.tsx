/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { CreateApiKeyForm } from "@/app/orgs/[slug]/settings/api-keys/create-api-key-form";
import { EditScopesButton } from "@/app/orgs/[slug]/settings/api-keys/edit-scopes-button";
import { RevokeApiKeyButton } from "@/app/orgs/[slug]/settings/api-keys/revoke-api-key-button";
import { forbidden, invalidBody, notFound } from "./msw/errors";
import { makeApiKeyView, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const KEY = "whk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF";
const nameField = () => screen.getByRole("textbox", { name: "Key name" });

describe("creating an API key", () => {
  it("shows the new key once, with a copy button, until the user is done", async () => {
    server.use(api.createApiKey({ apiKey: makeApiKeyView({ name: "billing-service" }), key: KEY }));
    const { user, router } = renderInOrganization(<CreateApiKeyForm />);

    await user.type(nameField(), " billing-service ");
    await user.click(screen.getByRole("button", { name: "Create key" }));

    expect(await screen.findByText(KEY)).toBeTruthy();
    expect(screen.getByText("New key “billing-service”")).toBeTruthy();
    expect(received).toEqual([{ method: "POST", path: "/api/api-keys", body: { name: "billing-service", scopes: ["events:write"] }, organizationId: makeOrganization().id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
    expect(nameField()).toHaveProperty("value", "");

    await user.click(screen.getByRole("button", { name: "Copy API key" }));
    expect(await screen.findByText("Copied to clipboard")).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(KEY);

    await user.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByText(KEY)).toBeNull();
    expect(document.activeElement).toBe(nameField());
  });

  it("sends the scopes chosen, a write scope including its read, and says what the new key may do", async () => {
    server.use(api.createApiKey({ apiKey: makeApiKeyView({ name: "ops-bot", scopes: ["endpoints:write", "deliveries:read"] }), key: KEY }));
    const { user } = renderInOrganization(<CreateApiKeyForm />);
    const scope = (name: string) => screen.getByRole("checkbox", { name });

    expect(scope("events:write")).toHaveProperty("checked", true);
    await user.type(nameField(), "ops-bot");
    await user.click(scope("events:write"));
    await user.click(scope("endpoints:write"));
    expect(scope("endpoints:read")).toHaveProperty("checked", true);
    expect(scope("endpoints:read")).toHaveProperty("disabled", true);
    await user.click(scope("deliveries:read"));
    await user.click(screen.getByRole("button", { name: "Create key" }));

    expect(await screen.findByText("endpoints:write, deliveries:read")).toBeTruthy();
    expect(received).toEqual([{ method: "POST", path: "/api/api-keys", body: { name: "ops-bot", scopes: ["endpoints:write", "deliveries:read"] }, organizationId: makeOrganization().id }]);
    expect(scope("events:write")).toHaveProperty("checked", true);
  });

  it("asks for at least one scope before calling the server", async () => {
    const { user } = renderInOrganization(<CreateApiKeyForm />);
    await user.type(nameField(), "nothing");
    await user.click(screen.getByRole("checkbox", { name: "events:write" }));
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(screen.getByRole("group", { name: "This key may", description: "Choose at least one scope." })).toBeTruthy();
    expect(received).toHaveLength(0);
  });

  it("asks for a name before calling the server", async () => {
    const { user } = renderInOrganization(<CreateApiKeyForm />);
    await user.type(nameField(), "   ");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(screen.getByRole("textbox", { name: "Key name", description: /Enter a name, e.g. the service that will use the key/ })).toBe(document.activeElement);
    expect(received).toHaveLength(0);
  });

  it("shows the server's complaint about the name at the field (400)", async () => {
    server.use(api.createApiKey(invalidBody([{ path: ["name"], message: "Too big: expected string to have <=100 characters", code: "too_big" }])));
    const { user } = renderInOrganization(<CreateApiKeyForm />);

    await user.type(nameField(), "billing-service");
    await user.click(screen.getByRole("button", { name: "Create key" }));

    expect(await screen.findByRole("textbox", { name: "Key name", description: /Too big: expected string to have <=100 characters/ })).toBe(document.activeElement);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows any other refusal in a banner (403)", async () => {
    server.use(api.createApiKey(forbidden()));
    const { user } = renderInOrganization(<CreateApiKeyForm />, { organization: makeOrganization({ role: "member", canManage: false }) });

    await user.type(nameField(), "billing-service");
    await user.click(screen.getByRole("button", { name: "Create key" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Only owners and admins can do this");
    expect(screen.queryByText(KEY)).toBeNull();
  });
});

describe("revoking an API key", () => {
  const apiKey = makeApiKeyView({ name: "billing-service" });

  it("asks first, then deletes the key and refreshes the list", async () => {
    server.use(api.revokeApiKey({ apiKey: { ...apiKey, revokedAt: new Date("2026-01-20T08:00:00.000Z") } }));
    const { user, router } = renderInOrganization(<RevokeApiKeyButton keyId={apiKey.id} name={apiKey.name} />);

    await user.click(screen.getByRole("button", { name: "Revoke key billing-service" }));
    const dialog = screen.getByRole("dialog", { name: "Revoke “billing-service”?" });
    expect(within(dialog).getByText(/refused with 401 immediately/)).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(received).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Revoke key" }));

    expect(await screen.findByRole("button", { name: "Revoke key billing-service" })).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toEqual([{ method: "DELETE", path: `/api/api-keys/${apiKey.id}`, body: undefined, organizationId: makeOrganization().id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("sends nothing when the user cancels", async () => {
    const { user } = renderInOrganization(<RevokeApiKeyButton keyId={apiKey.id} name={apiKey.name} />);
    await user.click(screen.getByRole("button", { name: "Revoke key billing-service" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toHaveLength(0);
  });

  it("keeps the dialog open with the server's answer when the key is already gone (404)", async () => {
    server.use(api.revokeApiKey(notFound("api_key_not_found", `API key ${apiKey.id} not found`)));
    const { user, router } = renderInOrganization(<RevokeApiKeyButton keyId={apiKey.id} name={apiKey.name} />);

    await user.click(screen.getByRole("button", { name: "Revoke key billing-service" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Revoke key" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(`API key ${apiKey.id} not found`);
    expect(router.refresh).not.toHaveBeenCalled();
  });
});

describe("changing a key's scopes", () => {
  const apiKey = makeApiKeyView({ name: "ops-bot", scopes: ["events:write"] });

  it("opens with the saved scopes, sends the new ones and refreshes", async () => {
    server.use(api.setApiKeyScopes({ apiKey: { ...apiKey, scopes: ["events:write", "deliveries:write"] } }));
    const { user, router } = renderInOrganization(<EditScopesButton keyId={apiKey.id} name={apiKey.name} scopes={apiKey.scopes} />);

    await user.click(screen.getByRole("button", { name: "Change scopes of key ops-bot" }));
    const dialog = screen.getByRole("dialog", { name: "Scopes of “ops-bot”" });
    expect(within(dialog).getByRole("checkbox", { name: "events:write" })).toHaveProperty("checked", true);
    await user.click(within(dialog).getByRole("checkbox", { name: "deliveries:write" }));
    await user.click(within(dialog).getByRole("button", { name: "Save scopes" }));

    expect(await screen.findByRole("button", { name: "Change scopes of key ops-bot" })).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toEqual([
      { method: "PATCH", path: `/api/api-keys/${apiKey.id}`, body: { scopes: ["events:write", "deliveries:write"] }, organizationId: makeOrganization().id },
    ]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("forgets unsaved changes when cancelled, and refuses to save no scope at all", async () => {
    const { user } = renderInOrganization(<EditScopesButton keyId={apiKey.id} name={apiKey.name} scopes={apiKey.scopes} />);
    const open = async () => {
      await user.click(screen.getByRole("button", { name: "Change scopes of key ops-bot" }));
      return screen.getByRole("dialog");
    };
    let dialog = await open();
    await user.click(within(dialog).getByRole("checkbox", { name: "endpoints:read" }));
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    dialog = await open();
    expect(within(dialog).getByRole("checkbox", { name: "endpoints:read" })).toHaveProperty("checked", false);
    await user.click(within(dialog).getByRole("checkbox", { name: "events:write" }));
    await user.click(within(dialog).getByRole("button", { name: "Save scopes" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Choose at least one scope, or revoke the key instead.");
    expect(received).toHaveLength(0);
  });
});
