import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClassName } from "./button";

export interface NotFoundViewProps {
  /** Where "Go back home" leads: the organization's webhooks inside one, `/` elsewhere. */
  homeHref: string;
  homeLabel: string;
  /** Shown above the usual text (the "switch organization?" offer). */
  children?: ReactNode;
}

/** The body of every 404 page: what happened, and the ways on. */
export function NotFoundView({ homeHref, homeLabel, children }: NotFoundViewProps) {
  return (
    <div className="mx-auto max-w-xl py-12">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-1 text-2xl font-bold tracking-tight text-slate-900">Page not found</h1>
      {children}
      <p className="mt-3 text-slate-600">
        The page you asked for does not exist, or you do not have access to it. Check the address, or go back and follow a link.
      </p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Link href={homeHref} className={buttonClassName()}>
          {homeLabel}
        </Link>
        <Link href="/docs/webhooks" className={buttonClassName({ variant: "secondary" })}>
          Read the docs
        </Link>
      </div>
    </div>
  );
}
