"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { authClient } from "@/lib/auth/client";
import { Spinner } from "./button";
import { switchPath } from "./org-paths";

export interface OrgSwitcherProps {
  organizationId: string;
  organizationName: string;
}

interface OrganizationItem {
  id: string;
  name: string;
  slug: string;
}

const ITEM_SELECTOR = "[data-switcher-item]";

/**
 * The current organization's name; opens a list of the user's organizations
 * (better-auth `organization.list()`, fetched on open) to switch to, plus a
 * link to create one. Switching is a link to the same page under the other
 * organization's slug: nothing is stored in the session, so other tabs stay
 * where they are, and the list can be opened in a new tab.
 *
 * Keyboard: Enter/Space or ArrowDown opens, arrows move, Escape closes and
 * returns focus to the button.
 */
export function OrgSwitcher({ organizationId, organizationName }: OrgSwitcherProps) {
  const pathname = usePathname() ?? "";
  const [open, setOpen] = useState(false);
  const [organizations, setOrganizations] = useState<OrganizationItem[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const currentId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  async function load() {
    setLoading(true);
    setError(null);
    const { data, error: failure } = await authClient.organization.list();
    setLoading(false);
    if (failure || !data) {
      setError(failure?.message || "Could not load your organizations.");
      return;
    }
    setOrganizations(
      data
        .map((organization) => ({ id: organization.id, name: organization.name, slug: organization.slug }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  function openPanel(focusFirst: boolean) {
    setOpen(true);
    void load();
    if (focusFirst) requestAnimationFrame(() => panelRef.current?.querySelector<HTMLElement>(ITEM_SELECTOR)?.focus());
  }

  function closePanel() {
    setOpen(false);
    buttonRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!open) {
      if (event.key === "ArrowDown" && event.target === buttonRef.current) {
        event.preventDefault();
        openPanel(true);
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Home" && event.key !== "End") return;
    const items = Array.from(panelRef.current?.querySelectorAll<HTMLElement>(ITEM_SELECTOR) ?? []);
    if (items.length === 0) return;
    event.preventDefault();
    const index = items.indexOf(document.activeElement as HTMLElement);
    let next = 0;
    if (event.key === "End") next = items.length - 1;
    else if (event.key === "ArrowDown") next = index < 0 ? 0 : (index + 1) % items.length;
    else if (event.key === "ArrowUp") next = index <= 0 ? items.length - 1 : index - 1;
    items[next]?.focus();
  }

  return (
    <div ref={containerRef} className="relative" onKeyDown={onKeyDown}>
      <button
        ref={buttonRef}
        type="button"
        aria-label={`${organizationName}: switch organization`}
        aria-describedby={currentId}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => (open ? closePanel() : openPanel(false))}
        className="inline-flex max-w-[16rem] items-center gap-1.5 rounded-md px-2 py-1 text-sm font-semibold text-slate-900 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
      >
        <span className="truncate" aria-hidden="true">
          {organizationName}
        </span>
        <svg className="size-4 shrink-0 text-slate-500" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
          <path fillRule="evenodd" d="M10 3a.75.75 0 0 1 .55.24l3.25 3.5a.75.75 0 1 1-1.1 1.02L10 4.85 7.3 7.76a.75.75 0 0 1-1.1-1.02l3.25-3.5A.75.75 0 0 1 10 3zm-3.76 9.2a.75.75 0 0 1 1.06.04l2.7 2.91 2.7-2.9a.75.75 0 1 1 1.1 1.02l-3.25 3.5a.75.75 0 0 1-1.1 0l-3.25-3.5a.75.75 0 0 1 .04-1.06z" clipRule="evenodd" />
        </svg>
      </button>
      <span id={currentId} className="sr-only">
        Current organization: {organizationName}
      </span>
      {open ? (
        <div
          ref={panelRef}
          id={panelId}
          className="absolute left-0 z-20 mt-2 w-72 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        >
          <p className="px-3 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Your organizations</p>
          {organizations === null && loading ? (
            <p className="flex items-center gap-2 px-3 py-2 text-sm text-slate-600" role="status">
              <Spinner /> Loading…
            </p>
          ) : null}
          {organizations ? (
            <ul className="max-h-72 overflow-y-auto" aria-busy={loading || undefined}>
              {organizations.map((organization) => {
                const current = organization.id === organizationId;
                return (
                  <li key={organization.id}>
                    <Link
                      href={switchPath(pathname, organization.slug)}
                      // Opening an organization's pages records it as the one used last; only a real visit should.
                      prefetch={false}
                      data-switcher-item
                      aria-current={current ? "true" : undefined}
                      onClick={(event) => {
                        if (current) event.preventDefault();
                        closePanel();
                      }}
                      className="flex w-full items-center justify-between gap-2 rounded px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none"
                    >
                      <span className="truncate">{organization.name}</span>
                      {current ? (
                        <svg className="size-4 shrink-0 text-indigo-600" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
                          <path d="m5 13 4 4L19 7" strokeLinecap="round" strokeLinejoin="round" />
                        </svg>
                      ) : null}
                    </Link>
                  </li>
                );
              })}
            </ul>
          ) : null}
          {error ? (
            <p role="alert" className="px-3 py-2 text-sm text-red-700">
              {error}{" "}
              <button type="button" className="font-medium underline" onClick={() => void load()}>
                Retry
              </button>
            </p>
          ) : null}
          <div className="mt-1 border-t border-slate-100 pt-1">
            <Link
              href="/onboarding"
              data-switcher-item
              onClick={() => setOpen(false)}
              className="flex items-center gap-2 rounded px-3 py-2 text-sm font-medium text-indigo-700 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none"
            >
              <svg className="size-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
                <path d="M12 5v14M5 12h14" />
              </svg>
              New organization
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}
