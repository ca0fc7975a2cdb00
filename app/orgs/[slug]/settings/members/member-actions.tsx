"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { showNotice } from "@/app/_components/flash-notice";
import { inputClassName } from "@/app/_components/field";
import { useOrganization } from "@/app/_components/organization-context";
import { authClient } from "@/lib/auth/client";
import { ROLE_ORDER, type Role } from "./roles";
import { UNREACHABLE_MESSAGE } from "@/app/_components/api";

export interface MemberActionsProps {
  memberId: string;
  /** Name (or email) shown in labels and the confirmation. */
  displayName: string;
  organizationName: string;
  role: string;
  isSelf: boolean;
  /** Only owners may grant or change the owner role (better-auth enforces it too). */
  viewerIsOwner: boolean;
  /**
   * The viewer's own row while they are the organization's only owner: leaving or taking a
   * lower role would leave it without one, so both are disabled with the reason (better-auth
   * refuses them too).
   */
  soleOwner?: boolean;
}

/** Why a sole owner cannot leave or change their role, shown beside the disabled controls. */
export const SOLE_OWNER_REASON = "You are the only owner. Make another member an owner first.";

/** Shown when better-auth's client rejects because no response arrived. */

/**
 * Change a member's role (select + Save, so arrowing through the options
 * changes nothing by accident) and remove them, in the page's organization
 * (named explicitly: better-auth would otherwise use the session's active
 * one). A sole owner's own row says why it cannot leave or change role; for a
 * refusal the page could not foresee (someone else changed roles meanwhile),
 * better-auth's message is shown here.
 */
export function MemberActions({ memberId, displayName, organizationName, role, isSelf, viewerIsOwner, soleOwner = false }: MemberActionsProps) {
  const router = useRouter();
  const { id: organizationId } = useOrganization();
  const [selected, setSelected] = useState(role);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reasonId = useId();
  const options: string[] = ROLE_ORDER.filter((option) => option !== "owner" || viewerIsOwner);
  if (!options.includes(role)) options.unshift(role);
  const dirty = selected !== role;

  async function saveRole() {
    setPending(true);
    setError(null);
    let result: Awaited<ReturnType<typeof authClient.organization.updateMemberRole>>;
    try {
      result = await authClient.organization.updateMemberRole({ memberId, role: selected as Role, organizationId });
    } catch {
      // better-auth's client rejects, rather than answering `error`, when no response arrives.
      setPending(false);
      setError(UNREACHABLE_MESSAGE);
      return;
    }
    setPending(false);
    const { error: failure } = result;
    if (failure) {
      setError(failure.message || "Could not change the role.");
      return;
    }
    router.refresh();
  }

  async function remove() {
    const { error: failure } = await authClient.organization.removeMember({ memberIdOrEmail: memberId, organizationId }).catch(() => {
      throw new Error(UNREACHABLE_MESSAGE);
    });
    if (failure) throw new Error(failure.message || "Could not remove this member.");
    // Having left, home is another organization of theirs, or onboarding.
    if (isSelf) router.push("/");
    else showNotice(`${displayName} was removed from ${organizationName}.`);
    router.refresh();
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <select
          aria-label={`Access level for ${displayName}`}
          value={selected}
          disabled={pending || soleOwner}
          aria-describedby={soleOwner ? reasonId : undefined}
          onChange={(event) => {
            setSelected(event.target.value);
            setError(null);
          }}
          className={inputClassName(false, "w-auto py-1.5 pr-8 capitalize")}
        >
          {options.map((option) => (
            <option key={option} value={option} className="capitalize">
              {option}
            </option>
          ))}
        </select>
        {dirty ? (
          <>
            <Button size="sm" loading={pending} onClick={() => void saveRole()}>
              Save<span className="sr-only"> access level for {displayName}</span>
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={pending}
              onClick={() => {
                setSelected(role);
                setError(null);
              }}
            >
              Undo
            </Button>
          </>
        ) : null}
        <ConfirmButton
          variant="ghost"
          className="text-red-700 hover:bg-red-50 hover:text-red-800"
          aria-label={isSelf ? `Leave ${organizationName}` : `Remove ${displayName}`}
          title={isSelf ? `Leave ${organizationName}?` : `Remove ${displayName}?`}
          description={
            isSelf
              ? `You will lose access to ${organizationName} right away. Someone will have to invite you again to come back.`
              : `${displayName} will lose access to ${organizationName} right away. You can invite them again later.`
          }
          confirmLabel={isSelf ? "Leave organization" : "Remove member"}
          onConfirm={remove}
          disabled={soleOwner}
        >
          {isSelf ? "Leave" : "Remove"}
        </ConfirmButton>
      </div>
      {soleOwner ? (
        <p id={reasonId} className="max-w-xs text-right text-xs text-slate-600">
          {SOLE_OWNER_REASON}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="max-w-xs text-right text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
