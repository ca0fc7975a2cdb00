/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen } from "@testing-library/react";
import { HttpResponse } from "msw";
import { OwnerTwoFactorSetting, type OwnerTwoFactorSettingProps } from "@/app/orgs/[slug]/settings/members/owner-two-factor-setting";
import { apiError } from "./msw/errors";
import { makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const checkbox = () => screen.getByRole("checkbox", { name: /^Require two-factor authentication for owners/ });
const saveButton = () => screen.getByRole("button", { name: "Save" });

function renderSetting(props: Partial<OwnerTwoFactorSettingProps> = {}) {
  return renderInOrganization(<OwnerTwoFactorSetting required={false} viewerHasTwoFactor={true} {...props} />);
}

/** Ticks (or unticks) the box and presses Save. */
async function toggleAndSave(rendered: ReturnType<typeof renderSetting>) {
  await rendered.user.click(checkbox());
  await rendered.user.click(saveButton());
}

describe("requiring two-factor authentication for owners", () => {
  it("saves only a change", async () => {
    const { user } = renderSetting();
    expect(saveButton()).toHaveProperty("disabled", true);
    await user.click(checkbox());
    expect(saveButton()).toHaveProperty("disabled", false);
    await user.click(checkbox());
    expect(saveButton()).toHaveProperty("disabled", true);
    expect(received).toHaveLength(0);
  });

  it("turns the requirement on and says it was saved", async () => {
    server.use(api.updateOrganizationSecurity({ requireOwnerTwoFactor: true }));
    const rendered = renderSetting();

    await toggleAndSave(rendered);

    expect((await screen.findByRole("status")).textContent).toBe("Saved.");
    expect(received).toEqual([{ method: "PATCH", path: "/api/organization/security", body: { requireOwnerTwoFactor: true }, organizationId: makeOrganization().id }]);
    expect(checkbox()).toHaveProperty("checked", true);
    // What the server now holds is what is shown: nothing left to save.
    expect(saveButton()).toHaveProperty("disabled", true);
  });

  it("turns the requirement off", async () => {
    server.use(api.updateOrganizationSecurity({ requireOwnerTwoFactor: false }));
    const rendered = renderSetting({ required: true, viewerHasTwoFactor: false });

    await toggleAndSave(rendered);

    expect((await screen.findByRole("status")).textContent).toBe("Saved.");
    expect(received.map((request) => request.body)).toEqual([{ requireOwnerTwoFactor: false }]);
  });

  it("asks an owner without two-factor to turn theirs on first, and sends nothing", async () => {
    const { user } = renderSetting({ viewerHasTwoFactor: false });

    await user.click(checkbox());

    expect(screen.getByRole("status").textContent).toMatch(/^Turn on two-factor authentication for your own account first/);
    expect(screen.getByRole("link", { name: "your account's security page" }).getAttribute("href")).toBe("/account/security");
    expect(saveButton()).toHaveProperty("disabled", true);
    await user.click(saveButton());
    expect(received).toHaveLength(0);
  });

  it("shows the server's refusal when the owner's two-factor is off after all (403)", async () => {
    const message = "Turn on two-factor authentication for your own account first (/account/security)";
    server.use(api.updateOrganizationSecurity(apiError(403, "two_factor_required", message)));
    const rendered = renderSetting();

    await toggleAndSave(rendered);

    expect((await screen.findByRole("alert")).textContent).toBe(message);
    expect(screen.queryByText("Saved.")).toBeNull();
    expect(saveButton()).toHaveProperty("disabled", false);
  });

  it("shows the server's refusal to an admin (403)", async () => {
    server.use(api.updateOrganizationSecurity(apiError(403, "forbidden", "Only owners can change the organization's security settings")));
    const rendered = renderSetting();

    await toggleAndSave(rendered);

    expect((await screen.findByRole("alert")).textContent).toBe("Only owners can change the organization's security settings");
  });

  it("says so when the server cannot be reached, and lets the user try again", async () => {
    server.use(api.updateOrganizationSecurity(HttpResponse.error()));
    const rendered = renderSetting();

    await toggleAndSave(rendered);

    expect((await screen.findByRole("alert")).textContent).toBe("Could not reach the server. Check your connection and try again.");
    expect(saveButton()).toHaveProperty("disabled", false);
    expect(checkbox()).toHaveProperty("checked", true);
  });
});
