import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { DeliveryStateText, EndpointHealthBadge } from "@/app/_components/delivery-state";
import { deliveryState, endpointHealth, type EndpointCondition, type OutcomeInput } from "@/lib/webhooks/outcomes";

/** The visible text of the rendered markup. */
function text(element: ReactElement): string {
  return renderToStaticMarkup(element).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").replace(/ ,/g, ",").trim();
}

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const PROBE = new Date("2030-01-02T14:05:00.000Z");
const open: EndpointCondition = { circuit: { state: "open", probeAt: PROBE } };
const blocked: EndpointCondition = { signingBlockedAt: new Date() };

describe("a delivery in words", () => {
  test.each<[string, OutcomeInput, EndpointCondition, string]>([
    ["waiting for its first attempt", { status: "pending", attempts: 0, nextAttemptAt: inMinutes(10) }, {}, "Pending — first attempt in 10 min"],
    ["failing, with retries left", { status: "pending", attempts: 2, nextAttemptAt: inMinutes(29), lastError: "HTTP 500" }, {}, "Retrying — attempt 3 of 8, next in 29 min"],
    ["retrying, overdue", { status: "pending", attempts: 2, nextAttemptAt: inMinutes(-2) }, {}, "Retrying — attempt 3 of 8, next due now"],
    ["held by an open circuit (never 'next attempt 2 min ago')", { status: "pending", attempts: 3, nextAttemptAt: inMinutes(-2) }, open, "Held — circuit open until Jan 2, 2:05 PM UTC"],
    ["held by a secret no key opens", { status: "pending", attempts: 0, nextAttemptAt: inMinutes(-2) }, blocked, "Held — cannot sign: the encryption key of its secret is missing"],
    ["out of retries", { status: "failed", attempts: 8, nextAttemptAt: null, lastError: "HTTP 503" }, {}, "Failed — gave up after 8 attempts (last: HTTP 503)"],
    ["refused without retrying", { status: "failed", attempts: 1, nextAttemptAt: null, lastError: "HTTP 400" }, {}, "Failed — gave up after 1 attempt (last: HTTP 400)"],
    ["a failed test send, of any type", { status: "failed", attempts: 0, manualAttempts: 1, nextAttemptAt: null, lastError: "HTTP 500", id: "msg_1", idempotencyKey: "test-msg_1" }, {}, "Failed — test event, not retried (HTTP 500) · 1 manual attempt"],
    ["a real delivery whose producer's key starts with test-", { status: "failed", attempts: 8, nextAttemptAt: null, lastError: "HTTP 500", id: "msg_2", idempotencyKey: "test-msg_1" }, {}, "Failed — gave up after 8 attempts (last: HTTP 500)"],
    ["cancelled when its endpoint was disabled", { status: "cancelled", attempts: 1, nextAttemptAt: null, lastError: "Endpoint disabled" }, {}, "Cancelled — endpoint disabled"],
    ["delivered after retries, with manual attempts counted apart", { status: "delivered", attempts: 3, manualAttempts: 2, nextAttemptAt: null }, {}, "Delivered — on attempt 3 · 2 manual attempts"],
    ["delivered at once (a finished delivery is never held)", { status: "delivered", attempts: 1, nextAttemptAt: null }, open, "Delivered"],
  ])("%s", (_label, delivery, condition, expected) => {
    expect(text(<DeliveryStateText state={deliveryState(delivery, condition, { attemptsAllowed: 8 })} />)).toBe(expected);
  });
});

describe("an endpoint's health", () => {
  const since = new Date(Date.now() - 3 * 3_600_000);
  test.each<[string, Parameters<typeof endpointHealth>[0], EndpointCondition["circuit"], string]>([
    ["healthy", { status: "active" }, { state: "closed", probeAt: null }, "Active"],
    ["failing every attempt is never green Active", { status: "active", failingSince: since }, { state: "closed", probeAt: null }, "Failing since 3 h ago"],
    ["with its circuit open", { status: "active", failingSince: since }, { state: "open", probeAt: PROBE }, "Circuit open until Jan 2, 2:05 PM UTC"],
    ["with a half-open circuit (a probe is out)", { status: "active", failingSince: since }, { state: "half_open", probeAt: null }, "Circuit open"],
    ["whose secret cannot be opened", { status: "active", signingBlockedAt: since }, null, "Cannot sign: encryption key missing"],
    ["disabled, with the reason", { status: "disabled", disabledReason: "The endpoint answered 410 Gone", failingSince: since }, { state: "open", probeAt: PROBE }, "Disabled The endpoint answered 410 Gone"],
  ])("%s", (_label, endpoint, circuit, expected) => {
    expect(text(<EndpointHealthBadge health={endpointHealth(endpoint, circuit)} />)).toBe(expected);
  });
});
