"use client";

import { useEffect, useRef, useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "./button";

export interface CopyButtonProps {
  /** The text put on the clipboard. */
  value: string;
  /** Default "Copy". */
  label?: string;
  /** Default "Copied". */
  copiedLabel?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
  /** A fuller name for screen readers ("Copy API key"); the visible text still changes to "Copied". */
  "aria-label"?: string;
}

/** Copies via the legacy path: works on plain-HTTP origins where navigator.clipboard does not exist. */
function legacyCopy(value: string): boolean {
  const textarea = document.createElement("textarea");
  textarea.value = value;
  textarea.setAttribute("readonly", "");
  textarea.style.position = "fixed";
  textarea.style.opacity = "0";
  const active = document.activeElement as HTMLElement | null;
  document.body.appendChild(textarea);
  textarea.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  textarea.remove();
  active?.focus();
  return ok;
}

/** Copies `value` and says "Copied" for two seconds (announced to screen readers); says so if copying is not possible. */
export function CopyButton({ value, label = "Copy", copiedLabel = "Copied", variant = "secondary", size = "sm", className, "aria-label": ariaLabel }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(value);
        ok = true;
      } else {
        ok = legacyCopy(value);
      }
    } catch {
      ok = legacyCopy(value);
    }
    setState(ok ? "copied" : "failed");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), ok ? 2000 : 4000);
  }

  return (
    <span className="inline-flex items-center gap-2">
      <Button variant={variant} size={size} className={className} aria-label={ariaLabel} onClick={() => void copy()}>
        {state === "copied" ? (
          <svg className="size-4 text-green-600" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="m5 13 4 4L19 7" />
          </svg>
        ) : (
          <svg className="size-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <rect x="9" y="9" width="11" height="11" rx="2" />
            <path d="M5 15V5a2 2 0 0 1 2-2h10" />
          </svg>
        )}
        {state === "copied" ? copiedLabel : label}
      </Button>
      <span role="status" className={state === "failed" ? "text-sm text-red-700" : "sr-only"}>
        {state === "copied" ? "Copied to clipboard" : state === "failed" ? "Could not copy. Select the text and copy it by hand." : ""}
      </span>
    </span>
  );
}
