import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

/** Classes of a text input, textarea or select; `invalid` turns the border red. */
export function inputClassName(invalid = false, className?: string): string {
  return [
    "block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-none focus:ring-2 disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500",
    invalid ? "border-red-500 focus:border-red-500 focus:ring-red-500/30" : "border-slate-300 focus:border-indigo-500 focus:ring-indigo-500/30",
    className,
  ]
    .filter(Boolean)
    .join(" ");
}

interface FieldChrome {
  /** The visible label; it is the control's accessible name. */
  label: ReactNode;
  /** Shown under the control in red; sets aria-invalid and aria-describedby. */
  error?: string | null;
  /** Help text under the label, linked with aria-describedby. */
  hint?: ReactNode;
  /** Classes of the wrapping div. */
  className?: string;
}

function useFieldIds(id: string | undefined, hint: ReactNode, error: string | null | undefined, describedBy: string | undefined) {
  const generated = useId();
  const controlId = id ?? `field-${generated}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const ariaDescribedBy = [describedBy, hintId, errorId].filter(Boolean).join(" ") || undefined;
  return { controlId, hintId, errorId, ariaDescribedBy };
}

function FieldFrame({ label, controlId, hint, hintId, error, errorId, className, children }: {
  label: ReactNode;
  controlId: string;
  hint: ReactNode;
  hintId: string | undefined;
  error: string | null | undefined;
  errorId: string | undefined;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={controlId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="mt-0.5 text-sm text-slate-500">
          {hint}
        </p>
      ) : null}
      <div className="mt-1.5">{children}</div>
      {error ? (
        <p id={errorId} className="mt-1.5 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export type FieldProps = FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, "className"> & {
  ref?: Ref<HTMLInputElement>;
  /** Classes added to the `<input>`. */
  inputClassName?: string;
};

/** A labelled `<input>` with optional hint and inline error. Other props go to the input. */
export function Field({ label, error, hint, className, inputClassName: extra, id, ref, ...input }: FieldProps) {
  const ids = useFieldIds(id, hint, error, input["aria-describedby"]);
  return (
    <FieldFrame label={label} controlId={ids.controlId} hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} className={className}>
      <input
        {...input}
        ref={ref}
        id={ids.controlId}
        aria-invalid={error ? true : input["aria-invalid"]}
        aria-describedby={ids.ariaDescribedBy}
        className={inputClassName(Boolean(error), extra)}
      />
    </FieldFrame>
  );
}

export type TextareaFieldProps = FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className"> & {
  ref?: Ref<HTMLTextAreaElement>;
  inputClassName?: string;
};

/** A labelled `<textarea>` with optional hint and inline error. */
export function TextareaField({ label, error, hint, className, inputClassName: extra, id, ref, rows = 4, ...textarea }: TextareaFieldProps) {
  const ids = useFieldIds(id, hint, error, textarea["aria-describedby"]);
  return (
    <FieldFrame label={label} controlId={ids.controlId} hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} className={className}>
      <textarea
        {...textarea}
        ref={ref}
        id={ids.controlId}
        rows={rows}
        aria-invalid={error ? true : textarea["aria-invalid"]}
        aria-describedby={ids.ariaDescribedBy}
        className={inputClassName(Boolean(error), extra)}
      />
    </FieldFrame>
  );
}

export type SelectFieldProps = FieldChrome & Omit<SelectHTMLAttributes<HTMLSelectElement>, "className"> & {
  ref?: Ref<HTMLSelectElement>;
  inputClassName?: string;
  /** The `<option>` elements. */
  children: ReactNode;
};

/** A labelled `<select>` with optional hint and inline error. */
export function SelectField({ label, error, hint, className, inputClassName: extra, id, ref, children, ...select }: SelectFieldProps) {
  const ids = useFieldIds(id, hint, error, select["aria-describedby"]);
  return (
    <FieldFrame label={label} controlId={ids.controlId} hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} className={className}>
      <select
        {...select}
        ref={ref}
        id={ids.controlId}
        aria-invalid={error ? true : select["aria-invalid"]}
        aria-describedby={ids.ariaDescribedBy}
        className={inputClassName(Boolean(error), `pr-8 ${extra ?? ""}`)}
      >
        {children}
      </select>
    </FieldFrame>
  );
}
