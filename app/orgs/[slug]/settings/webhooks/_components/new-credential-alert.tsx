"use client";

import type { ReactNode } from "react";
import { Alert } from "@/app/_components/alert";
import { CopyButton } from "@/app/_components/copy-button";
import { DateTime } from "@/app/_components/time";

export interface NewCredentialAlertProps {
  title: string;
  /** What to do with it, above the value. */
  children: ReactNode;
  /** The new secret or public key. */
  value: string;
  testId: string;
  copyLabel: string;
  /**
   * After a rotation: until when the previous credential still signs (null: it stopped at once),
   * said of `previousName` ("secret", "key"). Left out when nothing was rotated.
   */
  previous?: { expiresAt: string | null; name: string };
}

/** A credential made just now (a rotated secret or key pair, a switched scheme's secret), with a copy button. */
export function NewCredentialAlert({ title, children, value, testId, copyLabel, previous }: NewCredentialAlertProps) {
  return (
    <Alert tone="success" title={title}>
      <p>{children}</p>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <code data-testid={testId} className="break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-green-200">
          {value}
        </code>
        <CopyButton value={value} aria-label={copyLabel} />
      </div>
      {previous ? (
        <p className="mt-2">
          {previous.expiresAt ? (
            <>
              The previous {previous.name} keeps signing until <DateTime value={previous.expiresAt} />.
            </>
          ) : (
            `The previous ${previous.name} no longer signs requests.`
          )}
        </p>
      ) : null}
    </Alert>
  );
}
