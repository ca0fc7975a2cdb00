import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard, textLinkClassName } from "@/app/_components/auth-card";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthCard
      title="Reset your password"
      description="Enter the email address of your account and we'll mail you a link to choose a new password."
      footer={
        <Link href="/sign-in" className={textLinkClassName}>
          Back to sign in
        </Link>
      }
    >
      <ForgotPasswordForm />
    </AuthCard>
  );
}
