import { MIN_ORGANIZATION_WINDOW, organizationWindow } from "@/lib/webhooks/claim";

describe("organizationWindow", () => {
  it("lets an organization alone take every free slot", () => {
    expect(organizationWindow(50, 1)).toBe(50);
    expect(organizationWindow(3, 1)).toBe(3);
  });

  it("shrinks to twice the fair share as organizations compete, never below the minimum nor above the limit", () => {
    expect(organizationWindow(50, 5)).toBe(20);
    expect(organizationWindow(50, 100)).toBe(MIN_ORGANIZATION_WINDOW);
    expect(organizationWindow(4, 100)).toBe(4);
    expect(organizationWindow(50, 0)).toBe(50);
  });
});
