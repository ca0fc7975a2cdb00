/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HistoryFilters } from "@/app/orgs/[slug]/settings/webhooks/history/_components/history-filters";
import { parseHistoryQuery, type SearchParams } from "@/app/orgs/[slug]/settings/webhooks/history/_components/query";

/**
 * The history filters are a plain GET form (no request of their own, so no msw handler): what
 * the user picks must come back, through the query string, as the same filters.
 */
const ACTION = "/orgs/acme/settings/webhooks/history";
const endpoints = [
  { id: "ep_01aaaaaaaaaaaaaaaaaaaaaaaa", label: "api.example.com — Billing" },
  { id: "ep_01bbbbbbbbbbbbbbbbbbbbbbbb", label: "api.example.com — Search" },
];
const endpointIds = new Set(endpoints.map((endpoint) => endpoint.id));

/** The text of the elements that describe `element` (its hint and error). */
function description(element: HTMLElement): string {
  return (element.getAttribute("aria-describedby") ?? "")
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join(" ");
}

function renderFilters(params: SearchParams) {
  const query = parseHistoryQuery(params, endpointIds);
  render(<HistoryFilters action={ACTION} values={query.values} eventTypes={["invoice.paid", "invoice.created", "invoice.*"]} endpoints={endpoints} />);
  return { query, form: screen.getByRole("search", { name: "Filter deliveries" }) as HTMLFormElement };
}

/** What the browser would put in the URL when the form is submitted. */
function submitted(form: HTMLFormElement): SearchParams {
  const params: SearchParams = {};
  for (const [name, value] of new FormData(form)) if (value !== "") params[name] = String(value);
  return params;
}

it("offers every derived status, with what each means", () => {
  renderFilters({});
  const status = screen.getByRole("combobox", { name: /Status/ });
  expect(within(status).getAllByRole("option").map((option) => option.textContent)).toEqual(["Any status", "Pending", "Retrying", "Held", "Delivered", "Failed", "Cancelled"]);
  expect(description(status)).toMatch(/Retrying: failed, will try again/);
});

it("suggests event types and takes a prefix", () => {
  renderFilters({});
  const eventType = screen.getByRole("combobox", { name: /Event type/ }) as HTMLInputElement;
  const list = document.getElementById(eventType.getAttribute("list")!)!;
  expect([...list.querySelectorAll("option")].map((option) => option.value)).toEqual(["invoice.paid", "invoice.created", "invoice.*"]);
  expect(description(eventType)).toMatch(/prefix such as invoice\.\*/);
});

it("sends what the user picked, and the page reads back the same filters", async () => {
  const user = userEvent.setup();
  const { form } = renderFilters({});
  expect(form.getAttribute("method")).toBe("get");
  expect(form.getAttribute("action")).toBe(ACTION);
  await user.selectOptions(screen.getByRole("combobox", { name: /Status/ }), "held");
  await user.type(screen.getByRole("combobox", { name: /Event type/ }), "invoice.*");
  await user.selectOptions(screen.getByRole("combobox", { name: /Endpoint/ }), endpoints[1]!.id);
  await user.type(screen.getByLabelText(/Idempotency key/), "order-42");
  const params = submitted(form);
  expect(params).toEqual({ status: "held", eventType: "invoice.*", endpointId: endpoints[1]!.id, idempotencyKey: "order-42" });
  const query = parseHistoryQuery(params, endpointIds);
  expect(query.warnings).toEqual([]);
  expect(query.filters).toMatchObject({ status: "held", endpointId: endpoints[1]!.id, idempotencyKey: "order-42" });
});

it("shows the current filters, and a way to clear them only when there are some", () => {
  const { form } = renderFilters({ status: "retrying", eventType: "invoice.", endpointId: endpoints[0]!.id });
  expect(submitted(form)).toEqual({ status: "retrying", eventType: "invoice.", endpointId: endpoints[0]!.id });
  expect(screen.getByRole("link", { name: "Clear filters" }).getAttribute("href")).toBe(ACTION);
});

it("drops a value it cannot use, with a warning, instead of failing the page", () => {
  const { query, form } = renderFilters({ status: "pending-ish", endpointId: "ep_01cccccccccccccccccccccccc" });
  expect(query.warnings.length).toBe(2);
  expect(submitted(form)).toEqual({});
  expect(screen.queryByRole("link", { name: "Clear filters" })).toBeNull();
});
