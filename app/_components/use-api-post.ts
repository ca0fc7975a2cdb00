"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage } from "@/app/_components/api";
import { useApiFetch } from "@/app/_components/organization-context";

/**
 * A button's POST to the API on this organization's behalf: `pending` while it runs, the
 * request's `error` in words when it fails (a form may set its own, e.g. from validation),
 * and a page refresh after a success so the server-rendered figures follow. `post` resolves
 * with the answer, or undefined when it failed (the error is then set).
 */
export function useApiPost() {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function post<T>(path: string, body: Record<string, unknown> = {}): Promise<T | undefined> {
    setPending(true);
    setError(null);
    try {
      const response = await apiFetch<T>(path, { method: "POST", body });
      router.refresh();
      return response;
    } catch (caught) {
      setError(errorMessage(caught));
      return undefined;
    } finally {
      setPending(false);
    }
  }

  return { pending, error, setError, post };
}
