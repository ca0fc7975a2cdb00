"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { authClient } from "@/lib/auth/client";

/** Makes one of the viewer's organizations the active one and opens its webhooks. */
export function OpenOrganizationButton({ organizationId, organizationName }: { organizationId: string; organizationName: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.organization.setActive({ organizationId });
    if (failure) {
      setPending(false);
      setError(failure.message || "Could not open this organization.");
      return;
    }
    router.push("/settings/webhooks");
    router.refresh();
  }

  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button variant="secondary" size="sm" loading={pending} onClick={() => void open()}>
        Open<span className="sr-only"> {organizationName}</span>
      </Button>
      {error ? (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}
