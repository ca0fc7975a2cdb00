"use client";

import { useId } from "react";
import { API_KEY_SCOPES, API_KEY_SCOPE_DESCRIPTIONS, type ApiKeyScope } from "@/lib/api-key-scopes";

/**
 * One checkbox per API key scope, with what it allows. Controlled: the parent owns
 * the selection. Writing a resource includes reading it, so a write scope's read
 * sibling shows as checked and locked while the write scope is.
 */
export function ScopeCheckboxes({
  value,
  onChange,
  error,
  legend = "Scopes",
}: {
  value: readonly ApiKeyScope[];
  onChange: (scopes: ApiKeyScope[]) => void;
  error?: string | null;
  legend?: string;
}) {
  const idBase = useId();
  const errorId = `${idBase}-error`;
  const impliedBy = (scope: ApiKeyScope) => scope.endsWith(":read") && value.includes(scope.replace(/:read$/, ":write") as ApiKeyScope);

  function toggle(scope: ApiKeyScope, checked: boolean) {
    const next = new Set(value);
    if (checked) next.add(scope);
    else next.delete(scope);
    onChange(API_KEY_SCOPES.filter((known) => next.has(known)));
  }

  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <ul className="mt-2 divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
        {API_KEY_SCOPES.map((scope) => {
          const inputId = `${idBase}-${scope}`;
          const implied = impliedBy(scope);
          return (
            <li key={scope} className="flex items-start gap-3 p-3">
              <input
                id={inputId}
                type="checkbox"
                name="scopes"
                value={scope}
                aria-describedby={`${inputId}-description`}
                className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-600"
                checked={implied || value.includes(scope)}
                disabled={implied}
                onChange={(event) => toggle(scope, event.target.checked)}
              />
              <div className="min-w-0">
                <label htmlFor={inputId} className="font-mono text-sm font-medium text-slate-900">
                  {scope}
                </label>
                <p id={`${inputId}-description`} className="text-sm text-slate-600">
                  {API_KEY_SCOPE_DESCRIPTIONS[scope]}
                  {implied ? " (included in the write scope)" : ""}
                </p>
              </div>
            </li>
          );
        })}
      </ul>
      {error ? (
        <p id={errorId} className="mt-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
