import type { HTMLAttributes, ReactNode } from "react";

const PADDING = { none: "", sm: "p-4", md: "p-5", lg: "p-6" } as const;
export type CardPadding = keyof typeof PADDING;

/**
 * Classes of the app's white, bordered, lightly shadowed box with its padding,
 * then `extra`. For elements {@link Card} does not render (forms).
 */
export function cardClassName(padding: CardPadding = "lg", extra?: string): string {
  return ["rounded-lg border border-slate-200 bg-white shadow-sm", PADDING[padding], extra].filter(Boolean).join(" ");
}

export interface CardProps extends HTMLAttributes<HTMLElement> {
  /** The element to render; a `section` or `figure` should be labelled (`aria-labelledby`). */
  as?: "div" | "section" | "article" | "li" | "figure" | "nav";
  /** `sm` 1 rem (dashboard tiles), `md` 1.25 rem (list items), `lg` 1.5 rem (settings sections, the default). */
  padding?: CardPadding;
}

/** The white, bordered box that groups one thing on a page; `className` is added after the card's own classes. */
export function Card({ as: Element = "div", padding = "lg", className, ...props }: CardProps) {
  return <Element {...props} className={cardClassName(padding, className)} />;
}

export interface SectionProps {
  /** Id of the heading, which labels the section. */
  id: string;
  title: ReactNode;
  /** A sentence or two under the heading. */
  description?: ReactNode;
  children: ReactNode;
}

/** A settings card: a section labelled by its `h2`, an optional description, then its content. */
export function Section({ id, title, description, children }: SectionProps) {
  return (
    <Card as="section" aria-labelledby={id}>
      <h2 id={id} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      {description ? <div className="mt-1 text-sm text-slate-600">{description}</div> : null}
      <div className="mt-4">{children}</div>
    </Card>
  );
}
