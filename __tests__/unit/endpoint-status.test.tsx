import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { EndpointStatus } from "@/app/orgs/[slug]/settings/webhooks/_components/endpoint-status";

/** The visible text of the rendered markup. */
function text(element: ReactElement): string {
  return renderToStaticMarkup(element).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}

describe("EndpointStatus", () => {
  test.each<[string, Parameters<typeof EndpointStatus>[0], string]>([
    ["an active endpoint", { status: "active", disabledReason: null }, "active"],
    ["an active endpoint with nothing blocking it", { status: "active", disabledReason: null, signingBlockedAt: null }, "active"],
    ["an active endpoint whose secret no key opens", { status: "active", disabledReason: null, signingBlockedAt: new Date() }, "Cannot sign: encryption key missing"],
    ["a disabled endpoint, with its reason", { status: "disabled", disabledReason: "The endpoint answered 410 Gone" }, "disabled The endpoint answered 410 Gone"],
    ["a disabled endpoint that was also blocked", { status: "disabled", disabledReason: "Disabled by an administrator", signingBlockedAt: new Date() }, "disabled Disabled by an administrator"],
  ])("%s", (_label, props, expected) => {
    expect(text(<EndpointStatus {...props} />)).toBe(expected);
  });
});
