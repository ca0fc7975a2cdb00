import type { ReactNode } from "react";
import { cardClassName } from "./card";

/** Class for a body cell of a {@link DataTable}; add alignment or emphasis after it. */
export const cellClassName = "px-4 py-3 align-middle";
const headerClassName = "px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";

export interface DataTableColumn {
  label: string;
  /** Read by screen readers only (e.g. an actions column). */
  hidden?: boolean;
  align?: "right";
}

export interface DataTableProps {
  columns: readonly DataTableColumn[];
  /** The table's name for screen readers, shown to them only; or name it with `labelledBy` (the id of a heading). */
  caption?: string;
  labelledBy?: string;
  /** Margin of the table's box; by default a little space under the heading above it. */
  className?: string;
  children: ReactNode;
}

/** The app's bordered, horizontally scrollable table: a header row from `columns`, then `children` rows. */
export function DataTable({ columns, caption, labelledBy, className = "mt-3", children }: DataTableProps) {
  return (
    <div className={cardClassName("none", `${className} overflow-x-auto`.trim())}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-labelledby={labelledBy}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-slate-50">
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.align === "right" ? `${headerClassName} text-right` : headerClassName}>
                {column.hidden ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
