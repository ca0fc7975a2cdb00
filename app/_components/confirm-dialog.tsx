"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { errorMessage } from "./api";
import { Alert } from "./alert";
import { Button, type ButtonSize, type ButtonVariant } from "./button";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, in a sentence or two. */
  description?: ReactNode;
  /** Extra content between the description and the buttons. */
  children?: ReactNode;
  /** Default "Confirm"; name the action ("Delete endpoint", "Revoke key"). */
  confirmLabel?: string;
  cancelLabel?: string;
  /** "danger" (default) paints the confirm button red and focuses Cancel first. */
  tone?: "danger" | "primary";
  /** While true the buttons are disabled and Escape / backdrop clicks are ignored. */
  pending?: boolean;
  /** Shown in the dialog (e.g. the API's answer when the action failed). */
  error?: string | null;
  onConfirm: () => void;
  /** Called for Cancel, Escape and a click on the backdrop. */
  onCancel: () => void;
}

/**
 * A modal confirmation on the native `<dialog>`: `showModal()` makes the rest of
 * the page inert (focus stays inside), Escape cancels, and closing returns focus
 * to where it was. Controlled: the parent owns `open`.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  children,
  confirmLabel = "Confirm",
  cancelLabel = "Cancel",
  tone = "danger",
  pending = false,
  error,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // Destructive actions start on Cancel, so a stray Enter does no harm.
      (tone === "danger" ? cancelRef.current : confirmRef.current)?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, tone]);

  // Closing the dialog element on unmount keeps the page from staying inert.
  useEffect(() => {
    const dialog = dialogRef.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
      onCancel={(event) => {
        // Escape: keep the element in sync with `open` by letting the parent decide.
        event.preventDefault();
        if (!pending) onCancel();
      }}
      onClose={() => {
        // The browser may close it without a cancel event (e.g. a repeated Escape); follow it.
        if (open) onCancel();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget && !pending) onCancel();
      }}
    >
      <div className="p-6">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="mt-2 text-sm text-slate-600">
            {description}
          </div>
        ) : null}
        {children ? <div className="mt-4">{children}</div> : null}
        {error ? (
          <Alert tone="error" className="mt-4">
            {error}
          </Alert>
        ) : null}
        <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button ref={cancelRef} variant="secondary" onClick={onCancel} disabled={pending}>
            {cancelLabel}
          </Button>
          <Button ref={confirmRef} variant={tone === "danger" ? "danger" : "primary"} onClick={onConfirm} loading={pending}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}

export interface ConfirmButtonProps {
  /** The trigger's visible text. */
  children: ReactNode;
  /** Runs on confirm; throw (e.g. an ApiError) to show its message in the dialog. Resolving closes the dialog. */
  onConfirm: () => Promise<void> | void;
  title: string;
  description?: ReactNode;
  dialogContent?: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  tone?: "danger" | "primary";
  /** Trigger button style; default "secondary". */
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
  disabled?: boolean;
  /** Accessible name of the trigger when its text is ambiguous in a list ("Revoke key backend"). */
  "aria-label"?: string;
  /** Runs as the dialog opens (e.g. to reset what `dialogContent` edits to the saved value). */
  onOpen?: () => void;
}

/**
 * A button that asks first: opens a ConfirmDialog, runs `onConfirm` with the
 * confirm button spinning, closes on success and shows the error in the dialog
 * on failure.
 */
export function ConfirmButton({
  children,
  onConfirm,
  title,
  description,
  dialogContent,
  confirmLabel,
  cancelLabel,
  tone = "danger",
  variant = "secondary",
  size = "sm",
  className,
  disabled,
  "aria-label": ariaLabel,
  onOpen,
}: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <Button
        variant={variant}
        size={size}
        className={className}
        disabled={disabled}
        aria-label={ariaLabel}
        aria-haspopup="dialog"
        onClick={() => {
          setError(null);
          onOpen?.();
          setOpen(true);
        }}
      >
        {children}
      </Button>
      <ConfirmDialog
        open={open}
        title={title}
        description={description}
        confirmLabel={confirmLabel}
        cancelLabel={cancelLabel}
        tone={tone}
        pending={pending}
        error={error}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        {dialogContent}
      </ConfirmDialog>
    </>
  );
}
