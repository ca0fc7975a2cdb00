import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthCard, textLinkClassName } from "@/app/_components/auth-card";
import { safeNextPath, withNext } from "@/app/_components/safe-next";
import { homePath } from "@/lib/auth/page";
import { getViewer } from "@/lib/auth/session";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNextPath((await searchParams).next);
  const viewer = await getViewer(await headers());
  if (viewer) redirect(next ?? (await homePath(viewer.userId)));
  return (
    <AuthCard
      title="Create your account"
      description="Then create an organization, or join one you were invited to."
      footer={
        <>
          Already have an account?{" "}
          <Link href={withNext("/sign-in", next)} className={textLinkClassName}>
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm next={next} />
    </AuthCard>
  );
}
