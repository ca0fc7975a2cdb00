import Link from "next/link";
import type { ReactNode } from "react";
import { cardClassName } from "./card";

export interface AuthCardProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Under the card: "Already have an account? Sign in". */
  footer?: ReactNode;
  /** Wider card for pages with lists (onboarding). */
  wide?: boolean;
}

/** The centred card of the signed-out and onboarding pages, under the product name. */
export function AuthCard({ title, description, children, footer, wide = false }: AuthCardProps) {
  return (
    <main id="main" className="flex min-h-screen flex-col items-center px-4 py-12 sm:py-20">
      <Link
        href="/"
        className="rounded text-sm font-semibold uppercase tracking-wide text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2"
      >
        Webhooks
      </Link>
      <div className={`mt-6 w-full ${wide ? "max-w-xl" : "max-w-sm"}`}>
        <div className={cardClassName("lg", "sm:p-8")}>
          <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
          {description ? <div className="mt-2 text-sm text-slate-600">{description}</div> : null}
          <div className="mt-6">{children}</div>
        </div>
        {footer ? <div className="mt-6 text-center text-sm text-slate-600">{footer}</div> : null}
      </div>
    </main>
  );
}

/** Link styling for text links (indigo, underlined on hover, visible focus ring). */
export const textLinkClassName =
  "rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-1";
