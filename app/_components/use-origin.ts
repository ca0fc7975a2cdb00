"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * The page's origin (`https://app.example.com`) in the browser, or `fallback`
 * while rendering on the server and hydrating — so links built from it never
 * cause a hydration mismatch.
 */
export function useOrigin(fallback = ""): string {
  return useSyncExternalStore(
    subscribe,
    () => window.location.origin,
    () => fallback,
  );
}
