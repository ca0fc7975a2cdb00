"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { Button } from "@/app/_components/button";
import { CopyButton } from "@/app/_components/copy-button";
import { Field, SelectField } from "@/app/_components/field";
import { useOrganization } from "@/app/_components/organization-context";
import { DateTime } from "@/app/_components/time";
import { isEmail } from "@/app/_components/validation";
import { authClient } from "@/lib/auth/client";
import { UNREACHABLE_MESSAGE } from "@/app/_components/api";

interface Created {
  email: string;
  link: string;
  expiresAt: Date | null;
}

/**
 * Invites someone by email (better-auth) to the page's organization. The
 * invitation is mailed; its link is shown here too, to send by any other channel.
 */
export function InviteMemberForm() {
  const router = useRouter();
  const organization = useOrganization();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"member" | "admin">("member");
  const [emailError, setEmailError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const address = email.trim().toLowerCase();
    setFormError(null);
    if (address === "" || !isEmail(address)) {
      setEmailError(address === "" ? "Enter the email address to invite." : "Enter an email address like name@company.com.");
      emailRef.current?.focus();
      return;
    }
    setEmailError(null);
    setPending(true);
    let result: Awaited<ReturnType<typeof authClient.organization.inviteMember>>;
    try {
      result = await authClient.organization.inviteMember({ email: address, role, organizationId: organization.id });
    } catch {
      // better-auth's client rejects, rather than answering `error`, when no response arrives.
      setPending(false);
      setFormError(UNREACHABLE_MESSAGE);
      return;
    }
    setPending(false);
    const { data, error } = result;
    if (error || !data) {
      const code = error?.code ?? "";
      if (code === "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION") {
        setEmailError("This person is already a member.");
        emailRef.current?.focus();
      } else if (code === "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION") {
        setEmailError("This address already has a pending invitation. Copy its link from the list below, or cancel it first.");
        emailRef.current?.focus();
      } else {
        setFormError(error?.message || "Could not create the invitation. Please try again.");
      }
      return;
    }
    setCreated({
      email: address,
      link: `${window.location.origin}/accept-invitation/${encodeURIComponent(data.id)}`,
      expiresAt: data.expiresAt ? new Date(data.expiresAt) : null,
    });
    setEmail("");
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <form noValidate onSubmit={(event) => void onSubmit(event)} className="flex flex-col gap-4 sm:flex-row sm:items-start">
        <Field
          ref={emailRef}
          className="flex-1"
          label="Email"
          name="email"
          type="email"
          inputMode="email"
          autoComplete="off"
          required
          placeholder="teammate@company.com"
          value={email}
          error={emailError}
          onChange={(event) => {
            setEmail(event.target.value);
            if (emailError) setEmailError(null);
          }}
        />
        <SelectField className="sm:w-44" label="Role" name="role" value={role} onChange={(event) => setRole(event.target.value === "admin" ? "admin" : "member")}>
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </SelectField>
        <Button type="submit" loading={pending} className="sm:mt-7">
          Invite
        </Button>
      </form>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {created ? (
        <Alert tone="success" title={`Invitation created for ${created.email}`}>
          <p>
            We mailed them this link; you can also send it yourself. They sign in or create an account with that address, verify it,
            then accept.
            {created.expiresAt ? (
              <>
                {" "}
                It expires on <DateTime value={created.expiresAt} />.
              </>
            ) : null}
          </p>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-center">
            <code data-testid="invitation-link" className="block min-w-0 flex-1 break-all rounded border border-green-200 bg-white px-2 py-1.5 font-mono text-xs text-slate-800">
              {created.link}
            </code>
            <CopyButton value={created.link} label="Copy link" aria-label="Copy link to the invitation" />
          </div>
        </Alert>
      ) : null}
    </div>
  );
}
