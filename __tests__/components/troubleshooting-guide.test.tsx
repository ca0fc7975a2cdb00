/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { render, screen, within } from "@testing-library/react";
import { Troubleshooting } from "@/app/docs/webhooks/troubleshooting";
import { EXAMPLE_DELIVERY_ID, EXAMPLE_SECRET } from "@/app/docs/webhooks/examples";
import { TROUBLESHOOTING_ANCHORS } from "@/lib/webhooks/diagnose-advice";
import { verifyStandardWebhookSignature } from "@/lib/webhooks/sign";

/**
 * The troubleshooting guide Diagnose links to: every section a diagnosis step can point at is
 * there, and the exact-bytes example is true — only the bytes as sent verify.
 */
describe("the troubleshooting guide", () => {
  it("has a section for every topic Diagnose links to", () => {
    const { container } = render(<Troubleshooting timeout="30 seconds" />);
    for (const anchor of Object.values(TROUBLESHOOTING_ANCHORS)) expect(container.querySelector(`h3#${anchor}`)).not.toBeNull();
    // …and links to Diagnose: the viewer's endpoints (/settings/webhooks goes to their organization's).
    expect(screen.getByRole("link", { name: "your endpoints" }).getAttribute("href")).toBe("/settings/webhooks");
  });

  it("shows bytes whose signatures are real: the header we send verifies the body as sent, and none of the re-serialised ones", () => {
    render(<Troubleshooting timeout="30 seconds" />);
    const rows = screen.getAllByTestId("signature-bytes-row");
    expect(rows).toHaveLength(4);
    const cells = rows.map((row) => within(row).getAllByRole("cell"));
    const bodies = cells.map(([bodyCell]) => {
      const shown = bodyCell!.querySelector("code")!.textContent!;
      return shown.endsWith("↵") ? `${shown.slice(0, -1)}\n` : shown;
    });
    const signatures = cells.map((row) => row[2]!.textContent!);
    const sent = signatures[0]!;
    const verifies = (body: string, signature: string) =>
      verifyStandardWebhookSignature({ messageId: EXAMPLE_DELIVERY_ID, timestamp: "1768469400", body, signature, secret: EXAMPLE_SECRET });
    expect(bodies.map((body) => verifies(body, sent))).toEqual([true, false, false, false]);
    // Each row's own signature is the real one for its bytes, and they all differ.
    expect(bodies.every((body, index) => verifies(body, signatures[index]!))).toBe(true);
    expect(new Set(signatures).size).toBe(4);
    expect(bodies.map((body) => Buffer.byteLength(body))).toEqual(cells.map((row) => Number(row[1]!.textContent)));
    expect(bodies[0]).toContain('"amount":10.50');
    expect(bodies[1]).toContain('"amount":10.5,');
  });
});
