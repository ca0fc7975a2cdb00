import type { ButtonHTMLAttributes, Ref } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";
export type ButtonSize = "sm" | "md";

const BASE =
  "inline-flex items-center justify-center gap-2 whitespace-nowrap rounded-md font-medium transition-colors focus:outline-none focus-visible:ring-2 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-60";

const VARIANTS: Record<ButtonVariant, string> = {
  primary: "bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 focus-visible:ring-indigo-600 disabled:hover:bg-indigo-600",
  secondary:
    "border border-slate-300 bg-white text-slate-800 shadow-sm hover:bg-slate-100 focus-visible:ring-indigo-600 disabled:hover:bg-white",
  danger: "bg-red-600 text-white shadow-sm hover:bg-red-500 focus-visible:ring-red-600 disabled:hover:bg-red-600",
  ghost: "text-slate-700 hover:bg-slate-100 hover:text-slate-900 focus-visible:ring-indigo-600 disabled:hover:bg-transparent",
};

const SIZES: Record<ButtonSize, string> = {
  sm: "px-2.5 py-1.5 text-sm",
  md: "px-4 py-2 text-sm",
};

/** The classes of a button, for links and other elements that should look like one. */
export function buttonClassName(options: { variant?: ButtonVariant; size?: ButtonSize; className?: string } = {}): string {
  return [BASE, VARIANTS[options.variant ?? "primary"], SIZES[options.size ?? "md"], options.className].filter(Boolean).join(" ");
}

/** A small spinning circle; decorative (the surrounding control says what is happening). */
export function Spinner({ className = "size-4" }: { className?: string }) {
  return (
    <svg className={`animate-spin ${className}`} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle className="opacity-25" cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" />
      <path className="opacity-75" fill="currentColor" d="M4 12a8 8 0 0 1 8-8v4a4 4 0 0 0-4 4H4z" />
    </svg>
  );
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Shows a spinner, disables the button and sets aria-busy; the label stays the same. */
  loading?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

/**
 * The app's button. `type` defaults to "button" (pass `type="submit"` in forms),
 * so a stray button inside a form never submits it by accident. Every other
 * prop is forwarded to the `<button>`.
 */
export function Button({ variant = "primary", size = "md", loading = false, disabled, type = "button", className, children, ref, ...rest }: ButtonProps) {
  return (
    <button
      ref={ref}
      type={type}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      className={buttonClassName({ variant, size, className })}
      {...rest}
    >
      {loading ? <Spinner /> : null}
      {children}
    </button>
  );
}
