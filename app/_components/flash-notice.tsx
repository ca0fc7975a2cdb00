"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

const STORAGE_KEY = "webhooks.notice";
const NOTICE_EVENT = "webhooks:notice";
/** A notice nobody saw within this long (the tab was closed mid-way) is dropped, not shown later out of context. */
const NOTICE_MAX_AGE_MS = 60_000;

interface StoredNotice {
  message: string;
  /** The page that shows it: where the action lands (the list after a delete). */
  path: string;
  at: number;
}

/**
 * Queues a short confirmation ("Endpoint api.example.com deleted.") for the page at `path`.
 * Kept in this tab's sessionStorage, never in the URL, so nobody can put words on the page
 * with a crafted link.
 */
export function showNotice(message: string, path: string = window.location.pathname): void {
  const notice: StoredNotice = { message, path, at: Date.now() };
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(notice));
  } catch {
    // Storage disabled: the change itself is still visible on the page.
    return;
  }
  window.dispatchEvent(new Event(NOTICE_EVENT));
}

function takeNotice(pathname: string): string | null {
  let notice: StoredNotice;
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    notice = JSON.parse(raw) as StoredNotice;
    if (typeof notice.message !== "string" || typeof notice.path !== "string" || typeof notice.at !== "number") {
      window.sessionStorage.removeItem(STORAGE_KEY);
      return null;
    }
    if (Date.now() - notice.at > NOTICE_MAX_AGE_MS) {
      window.sessionStorage.removeItem(STORAGE_KEY);
      return null;
    }
    if (notice.path !== pathname) return null;
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    return null;
  }
  return notice.message;
}

/**
 * Where queued notices appear: a polite live region (always present, so screen readers
 * announce what is put in it) that shows the notice meant for the current page until it is
 * dismissed or the viewer moves on.
 */
export function FlashNotice() {
  const pathname = usePathname() ?? "";
  const [notice, setNotice] = useState<{ message: string; path: string } | null>(null);

  useEffect(() => {
    const check = () => {
      const message = takeNotice(pathname);
      if (message) setNotice({ message, path: pathname });
    };
    check();
    window.addEventListener(NOTICE_EVENT, check);
    return () => window.removeEventListener(NOTICE_EVENT, check);
  }, [pathname]);

  const visible = notice !== null && notice.path === pathname ? notice.message : null;

  return (
    <div role="status" aria-live="polite" className="mx-auto max-w-6xl px-4 sm:px-6">
      {visible ? (
        <div className="mt-4 flex items-start gap-3 rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          <svg className="mt-0.5 size-5 shrink-0 text-green-600" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="m9 12 2 2 4-4m6 2a9 9 0 1 1-18 0 9 9 0 0 1 18 0z" />
          </svg>
          <p className="min-w-0 flex-1">{visible}</p>
          <button
            type="button"
            onClick={() => setNotice(null)}
            className="rounded px-1 text-green-800 hover:bg-green-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-green-700"
          >
            <span aria-hidden="true">×</span>
            <span className="sr-only">Dismiss</span>
          </button>
        </div>
      ) : null}
    </div>
  );
}
