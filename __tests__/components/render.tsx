import { render, type RenderResult } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import type { ReactElement } from "react";
import { AppRouterContext, type AppRouterInstance } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { PathnameContext, SearchParamsContext } from "next/dist/shared/lib/hooks-client-context.shared-runtime";
import { OrganizationProvider } from "@/app/_components/organization-context";
import type { OrgMembership } from "@/lib/auth/membership";
import { makeOrganization } from "./msw/fixtures";

/** The router the component got from `useRouter()`: every method records its calls. */
export type TestRouter = AppRouterInstance & {
  [Method in "back" | "forward" | "refresh" | "push" | "replace" | "prefetch"]: jest.Mock<void, Parameters<AppRouterInstance[Method]>>;
};

export interface RenderOptions {
  organization?: OrgMembership;
  /** What `usePathname()` returns. */
  pathname?: string;
  /** What `useSearchParams()` returns, e.g. "status=failed". */
  search?: string;
}

/**
 * Renders a client component as an organization page would: inside the real
 * OrganizationProvider, with a recording router, pathname and search params given
 * through the contexts next/navigation's hooks read (no module is mocked). The network
 * is left to msw (./msw/server.ts).
 */
export function renderInOrganization(ui: ReactElement, options: RenderOptions = {}): RenderResult & { user: UserEvent; router: TestRouter } {
  const organization = options.organization ?? makeOrganization();
  const router: TestRouter = { bfcacheId: "b_test_", back: jest.fn(), forward: jest.fn(), refresh: jest.fn(), push: jest.fn(), replace: jest.fn(), prefetch: jest.fn() };
  const user = userEvent.setup();
  const result = render(
    <AppRouterContext.Provider value={router}>
      <PathnameContext.Provider value={options.pathname ?? `/orgs/${organization.slug}/settings/webhooks`}>
        <SearchParamsContext.Provider value={new URLSearchParams(options.search ?? "")}>
          <OrganizationProvider organization={organization}>{ui}</OrganizationProvider>
        </SearchParamsContext.Provider>
      </PathnameContext.Provider>
    </AppRouterContext.Provider>,
  );
  return { ...result, user, router };
}
