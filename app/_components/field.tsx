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

type ControlProps = { id?: string; "aria-describedby"?: string; "aria-invalid"?: boolean | "true" | "false" | "grammar" | "spelling" };

/**
 * What every labelled control shares: its ids, the props that tie it to its label,
 * hint and error, its classes, and the frame around it. `rest` is what goes to the control.
 */
function useField<P extends ControlProps>(props: FieldChrome & { inputClassName?: string } & P, baseClass?: string) {
  const { label, error, hint, className, inputClassName: extra, ...rest } = props;
  const ids = useFieldIds(rest.id, hint, error, rest["aria-describedby"]);
  const control = {
    id: ids.controlId,
    "aria-invalid": error ? true : rest["aria-invalid"],
    "aria-describedby": ids.ariaDescribedBy,
    className: inputClassName(Boolean(error), [baseClass, extra].filter(Boolean).join(" ") || undefined),
  };
  const frame = (children: ReactNode) => (
    <FieldFrame label={label} controlId={ids.controlId} hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} className={className}>
      {children}
    </FieldFrame>
  );
  return { rest, control, frame };
}

/** A labelled `<input>` with optional hint and inline error. Other props go to the input. */
export function Field({ ref, ...props }: FieldProps) {
  const { rest, control, frame } = useField(props);
  return frame(<input {...rest} ref={ref} {...control} />);
}

export type TextareaFieldProps = FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className"> & {
  ref?: Ref<HTMLTextAreaElement>;
  inputClassName?: string;
};

/** A labelled `<textarea>` with optional hint and inline error. */
export function TextareaField({ ref, rows = 4, ...props }: TextareaFieldProps) {
  const { rest, control, frame } = useField(props);
  return frame(<textarea {...rest} ref={ref} rows={rows} {...control} />);
}

export type SelectFieldProps = FieldChrome & Omit<SelectHTMLAttributes<HTMLSelectElement>, "className"> & {
  ref?: Ref<HTMLSelectElement>;
  inputClassName?: string;
  /** The `<option>` elements. */
  children: ReactNode;
};

/** A labelled `<select>` with optional hint and inline error. */
export function SelectField({ ref, children, ...props }: SelectFieldProps) {
  const { rest, control, frame } = useField(props, "pr-8");
  return frame(
    <select {...rest} ref={ref} {...control}>
      {children}
    </select>,
  );
}
