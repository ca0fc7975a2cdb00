"use client";

import Link from "next/link";
import { useEffect } from "react";
import { Alert } from "./alert";
import { Button, buttonClassName } from "./button";

/** The digest Next.js gives a server error: the reference to find it in the server's logs. */
export function errorDigest(error: unknown): string | null {
  return error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
}

export interface ErrorViewProps {
  error: unknown;
  /** Re-fetches the page from the server and renders it again. */
  retry: () => void;
  homeHref: string;
  homeLabel: string;
}

/**
 * The body of every error page: an apology, "Try again", a way home and the digest to quote
 * to support. Never the error's message or stack: a server error's would describe internals
 * (in production Next.js replaces it anyway; this page does not depend on that).
 */
export function ErrorView({ error, retry, homeHref, homeLabel }: ErrorViewProps) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = errorDigest(error);
  return (
    <div className="mx-auto max-w-xl py-8">
      <Alert
        tone="error"
        title="Sorry, this page could not be loaded"
        actions={
          <>
            <Button onClick={() => retry()}>Try again</Button>
            <Link href={homeHref} className={buttonClassName({ variant: "secondary" })}>
              {homeLabel}
            </Link>
          </>
        }
      >
        <p>Something went wrong on our side. Trying again usually helps; if it keeps happening, contact support.</p>
        {digest ? <p className="mt-1 text-xs text-red-800">Reference for support: {digest}</p> : null}
      </Alert>
    </div>
  );
}
