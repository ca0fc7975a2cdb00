import type { ReactNode } from "react";

/** Class for a body cell of a {@link DataTable}; add alignment or emphasis after it. */
export const cellClassName = "px-4 py-3 align-middle";
const headerClassName = "px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";

export interface DataTableColumn {
  label: string;
  /** Read by screen readers only (e.g. an actions column). */
  hidden?: boolean;
  align?: "right";
}

/** The settings pages' bordered, horizontally scrollable table: a header row from `columns`, then `children` rows. */
export function DataTable({ columns, children }: { columns: readonly DataTableColumn[]; children: ReactNode }) {
  return (
    <div className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
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
