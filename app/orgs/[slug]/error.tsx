"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect } from "react";
import { Alert } from "@/app/_components/alert";
import { Button, buttonClassName } from "@/app/_components/button";
import { orgPath } from "@/app/_components/org-paths";

/**
 * Error boundary of an organization's pages. Server errors arrive without details
 * in production (only a digest to find them in the logs); retry re-fetches the
 * page from the server.
 */
export default function OrganizationError({ error, retry }: { error: unknown; retry: () => void }) {
  const { slug } = useParams<{ slug: string }>();
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;

  return (
    <div className="mx-auto max-w-xl py-8">
      <Alert
        tone="error"
        title="This page could not be loaded"
        actions={
          <>
            <Button onClick={() => retry()}>Try again</Button>
            <Link href={orgPath(slug)} className={buttonClassName({ variant: "secondary" })}>
              Go to webhooks
            </Link>
          </>
        }
      >
        <p>Something went wrong on our side. Trying again usually helps; if it keeps happening, contact support.</p>
        {digest ? <p className="mt-1 text-xs text-red-800">Reference: {digest}</p> : null}
      </Alert>
    </div>
  );
}
