import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthCard, textLinkClassName } from "@/app/_components/auth-card";
import { safeNextPath, withNext } from "@/app/_components/safe-next";
import { homePath } from "@/lib/auth/page";
import { getViewer } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNextPath((await searchParams).next);
  const viewer = await getViewer(await headers());
  if (viewer) redirect(next ?? (await homePath(viewer.userId)));
  return (
    <AuthCard
      title="Sign in"
      description="Manage your organization's webhooks, API keys and members."
      footer={
        <>
          New here?{" "}
          <Link href={withNext("/sign-up", next)} className={textLinkClassName}>
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm next={next} />
    </AuthCard>
  );
}
