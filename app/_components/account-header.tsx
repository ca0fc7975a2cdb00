import type { Viewer } from "@/lib/auth/session";
import { SignOutButton } from "./sign-out-button";
import { HeaderBar } from "./header-bar";

/** The header of the signed-in pages that belong to the account, not to one organization (/account/…). */
export function AccountHeader({ viewer }: { viewer: Pick<Viewer, "email" | "name"> }) {
  return (
    <HeaderBar>
      <div className="flex min-w-0 items-center gap-2">
        <span className="truncate text-sm text-slate-600" title={viewer.name}>
          {viewer.email}
        </span>
        <SignOutButton />
      </div>
    </HeaderBar>
  );
}
