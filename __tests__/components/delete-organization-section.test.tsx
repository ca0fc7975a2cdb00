/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, waitFor } from "@testing-library/react";
import { HttpResponse } from "msw";
import { DeleteOrganizationSection } from "@/app/orgs/[slug]/settings/members/delete-organization-section";
import { apiError } from "./msw/errors";
import { makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const organization = makeOrganization({ name: "Acme", slug: "acme" });
const confirmField = () => screen.getByRole("textbox", { name: "Type acme to confirm" });
const deleteButton = () => screen.getByRole("button", { name: "Delete organization" });

/** Renders the section, types the slug and presses Delete organization. */
async function deleteOrganization() {
  const rendered = renderInOrganization(<DeleteOrganizationSection />, { organization });
  await rendered.user.type(confirmField(), "acme");
  await rendered.user.click(deleteButton());
  return rendered;
}

describe("deleting the organization", () => {
  it("stays disabled until the slug is typed exactly", async () => {
    const { user } = renderInOrganization(<DeleteOrganizationSection />, { organization });
    expect(screen.getByRole("heading", { name: "Danger zone: delete this organization" })).toBeTruthy();
    expect(deleteButton()).toHaveProperty("disabled", true);

    for (const attempt of ["Acme", "acm", "acme "]) {
      await user.clear(confirmField());
      await user.type(confirmField(), `${attempt}{Enter}`);
      expect(deleteButton()).toHaveProperty("disabled", true);
    }

    expect(received).toHaveLength(0);
  });

  it("sends the typed slug, then sends the viewer home", async () => {
    server.use(api.deleteOrganization({ deleted: true, eraseAfter: new Date("2026-02-14T09:30:00.000Z") }));
    const { router } = await deleteOrganization();

    await waitFor(() => expect(router.push).toHaveBeenCalledWith("/"));
    expect(received).toEqual([{ method: "DELETE", path: "/api/organization", body: { confirm: "acme" }, organizationId: organization.id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
    // It stays busy while the browser leaves the page.
    expect(screen.getByRole("button", { name: "Delete organization", busy: true })).toBeTruthy();
  });

  it("shows the server's refusal to someone who is no longer an owner (403)", async () => {
    server.use(api.deleteOrganization(apiError(403, "forbidden", "Only owners can delete the organization")));
    const { router } = await deleteOrganization();

    expect((await screen.findByRole("alert")).textContent).toBe("Only owners can delete the organization");
    expect(deleteButton()).toHaveProperty("disabled", false);
    expect(router.push).not.toHaveBeenCalled();
  });

  it("shows the server's refusal when the slug changed meanwhile (422)", async () => {
    server.use(api.deleteOrganization(apiError(422, "invalid_input", "Type the organization's slug exactly to confirm its deletion")));
    const { router } = await deleteOrganization();

    expect((await screen.findByRole("alert")).textContent).toBe("Type the organization's slug exactly to confirm its deletion");
    expect(confirmField()).toHaveProperty("value", "acme");
    expect(router.push).not.toHaveBeenCalled();
  });

  it("says so when the server cannot be reached, and lets the user try again", async () => {
    server.use(api.deleteOrganization(HttpResponse.error()));
    const { router } = await deleteOrganization();

    expect((await screen.findByRole("alert")).textContent).toBe("Could not reach the server. Check your connection and try again.");
    expect(deleteButton()).toHaveProperty("disabled", false);
    expect(router.push).not.toHaveBeenCalled();
  });
});
