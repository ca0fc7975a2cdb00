import type { ReactNode } from "react";
import { AppHeader } from "@/app/_components/app-header";
import { requireOrgViewer } from "@/lib/auth/page";

/**
 * Every settings page is for a signed-in member of an active organization;
 * others go to /sign-in or /onboarding. Pages still call requireOrgViewer()
 * themselves to scope their queries (a layout is not re-run on every navigation).
 */
export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const viewer = await requireOrgViewer();
  return (
    <>
      <AppHeader viewer={viewer} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
        {children}
      </main>
    </>
  );
}
