/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { PublicKeyPanel, pemDownloadHref } from "@/app/orgs/[slug]/settings/webhooks/_components/public-key-panel";
import { SignatureSchemeSwitch } from "@/app/orgs/[slug]/settings/webhooks/_components/signature-scheme-switch";
import { generateSigningKeyPair, publicKeyPem } from "@/lib/webhooks/signing-keys";
import { apiError } from "./msw/errors";
import { makeEndpointJson, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const { publicKey } = generateSigningKeyPair();
const { publicKey: newPublicKey } = generateSigningKeyPair();
const endpoint = makeEndpointJson({ signatureScheme: "ed25519", publicKey });
const pem = publicKeyPem(publicKey);

function renderPanel(canManage: boolean) {
  return renderInOrganization(<PublicKeyPanel endpointId={endpoint.id} publicKey={publicKey} pem={pem} canManage={canManage} graceText="24 hours" />, {
    organization: makeOrganization(canManage ? {} : { role: "member", canManage: false }),
  });
}

describe("Ed25519 signing key panel", () => {
  it("shows the public key to a member, copies it and downloads it as the PEM file, without asking the server", async () => {
    const { user } = renderPanel(false);

    expect(screen.getByTestId("public-key").textContent).toBe(publicKey);
    await user.click(screen.getByRole("button", { name: "Copy public key" }));
    expect(await navigator.clipboard.readText()).toBe(publicKey);

    const download = screen.getByRole("link", { name: "Download PEM" });
    expect(download.getAttribute("download")).toBe(`${endpoint.id}-public-key.pem`);
    const href = download.getAttribute("href")!;
    expect(href).toBe(pemDownloadHref(pem));
    // The downloaded file is the PEM, byte for byte, and holds this very key.
    const file = decodeURIComponent(href.slice(href.indexOf(",") + 1));
    expect(file).toBe(pem);
    expect(file).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=]+\n-----END PUBLIC KEY-----\n$/);
    expect(screen.getByTestId("public-key-pem").textContent).toBe(pem);

    expect(screen.queryByRole("button", { name: /Rotate/ })).toBeNull();
    expect(received).toEqual([]);
  });

  it("rotates the key pair after confirmation and shows the new public key and until when the old one signs", async () => {
    const previousSecretExpiresAt = new Date("2026-01-16T09:30:00.000Z");
    server.use(api.rotateSecret({ endpoint: { ...endpoint, publicKey: newPublicKey, previousSecretExpiresAt }, publicKey: newPublicKey }));
    const { user, router } = renderPanel(true);

    await user.click(screen.getByRole("button", { name: "Rotate key pair" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate the signing key pair?" });
    expect(within(dialog).getByText(/For the next 24 hours, every request carries a signature by the new key and one by the old key/)).toBeTruthy();
    expect(received).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Rotate key pair" }));

    expect((await screen.findByTestId("rotated-public-key")).textContent).toBe(newPublicKey);
    expect(screen.getByText(/The previous key keeps signing until/)).toBeTruthy();
    expect(screen.getByTitle(previousSecretExpiresAt.toISOString())).toBeTruthy();
    expect(received).toEqual([{ method: "POST", path: `/api/webhooks/endpoints/${endpoint.id}/rotate-secret`, body: {}, organizationId: makeOrganization().id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("rotates with no grace period, and keeps the dialog open with the server's refusal", async () => {
    server.use(api.rotateSecret(apiError(409, "signing_key_missing", "The current key cannot be opened with WEBHOOK_ENCRYPTION_KEYS")));
    const { user } = renderPanel(true);

    await user.click(screen.getByRole("button", { name: "Rotate now (no grace)" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate now, with no grace period?" });
    await user.click(within(dialog).getByRole("button", { name: "Rotate now" }));

    expect(await within(dialog).findByText(/cannot be opened with WEBHOOK_ENCRYPTION_KEYS/)).toBeTruthy();
    expect(screen.queryByTestId("rotated-public-key")).toBeNull();
    expect(received.map((request) => request.body)).toEqual([{ graceSeconds: 0 }]);
  });
});

describe("signature scheme switch", () => {
  it("switches an HMAC endpoint to Ed25519 after saying that both sign for the grace period", async () => {
    server.use(api.updateEndpoint({ endpoint }));
    const { user, router } = renderInOrganization(<SignatureSchemeSwitch endpointId={endpoint.id} scheme="hmac" graceText="24 hours" />);

    expect(screen.getByText(/Signs with/).textContent).toMatch(/HMAC-SHA256: a shared secret/);
    await user.click(screen.getByRole("button", { name: "Switch to Ed25519" }));
    const dialog = screen.getByRole("dialog", { name: "Switch to Ed25519 signatures?" });
    expect(within(dialog).getByText(/every request carries both the HMAC-SHA256 signature and the new Ed25519 one/)).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Switch to Ed25519" }));

    await screen.findByText(/Signs with/);
    expect(received).toEqual([{ method: "PATCH", path: `/api/webhooks/endpoints/${endpoint.id}`, body: { signatureScheme: "ed25519" }, organizationId: makeOrganization().id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("switched-secret")).toBeNull();
  });

  it("switches an Ed25519 endpoint to HMAC and shows the new secret once", async () => {
    const secret = "whsec_c3dpdGNoZWQtdG8taG1hYy1zZWNyZXQ=";
    server.use(api.updateEndpoint({ endpoint: makeEndpointJson(), secret }));
    const { user } = renderInOrganization(<SignatureSchemeSwitch endpointId={endpoint.id} scheme="ed25519" graceText="24 hours" />);

    await user.click(screen.getByRole("button", { name: "Switch to HMAC-SHA256" }));
    await user.click(within(screen.getByRole("dialog", { name: "Switch to HMAC-SHA256 signatures?" })).getByRole("button", { name: "Switch to HMAC-SHA256" }));

    expect((await screen.findByTestId("switched-secret")).textContent).toBe(secret);
    expect(screen.getByRole("button", { name: "Copy new signing secret" })).toBeTruthy();
    expect(received.map((request) => request.body)).toEqual([{ signatureScheme: "hmac" }]);
  });
});
