import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard, textLinkClassName } from "@/app/_components/auth-card";
import { buttonClassName } from "@/app/_components/button";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

/** Where the password-reset mail's link lands (`?token=…`); better-auth checks the token when the form is sent. */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token, error } = await searchParams;
  if (typeof token !== "string" || token === "" || error) {
    return (
      <AuthCard title="This link does not work">
        <p className="text-sm text-slate-700">The password reset link is incomplete, expired or already used. Ask for a new one.</p>
        <div className="mt-6">
          <Link href="/forgot-password" className={buttonClassName()}>
            Send a new link
          </Link>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Choose a new password"
      footer={
        <Link href="/sign-in" className={textLinkClassName}>
          Back to sign in
        </Link>
      }
    >
      <ResetPasswordForm token={token} />
    </AuthCard>
  );
}
