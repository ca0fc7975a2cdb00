import type { ReactNode, TdHTMLAttributes } from "react";
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
  /**
   * Below 640 px, each row becomes a block and each cell a labelled line, instead of a table that
   * scrolls sideways inside its box. Cells carry their labels: {@link DataCell}, or `data-label`.
   */
  stacked?: boolean;
  children: ReactNode;
}

/**
 * The app's bordered table: a header row from `columns`, then `children` rows.
 *
 * On a phone a wide table is hard to read even inside its own scrolling box, so a table can be
 * `stacked`: from 640 px up it is an ordinary table; below, each row is a block of "Label value"
 * lines (the `.data-table-stacked` rules in globals.css). The markup is the same table at every
 * size, nothing is rendered twice: the column headers stay in the accessibility tree, visually
 * hidden, and each cell's label is generated text (`content: attr(data-label)`) that screen
 * readers read before its value. A cell without a label (actions) shows its value alone, an empty
 * cell nothing; long values wrap inside the cell instead of widening the page.
 *
 * Adopting it in a table that uses `<td className={cellClassName}>`: add `stacked`, and make each
 * cell a `DataCell` with its column's label (`header` for the cell that names the row, a
 * `<th scope="row">`; no label for an actions cell, which shows its value alone on a phone):
 *
 * ```tsx
 * <DataTable stacked columns={[{ label: "Event" }, { label: "Status" }, { label: "Actions", hidden: true, align: "right" }]}>
 *   {rows.map((row) => (
 *     <tr key={row.id}>
 *       <DataCell header label="Event">{row.event}</DataCell>
 *       <DataCell label="Status"><StatusBadge status={row.status} /></DataCell>
 *       <DataCell className="text-right">{actions}</DataCell>
 *     </tr>
 *   ))}
 * </DataTable>
 * ```
 *
 * A plain `<td className={cellClassName} data-label="Status">` works too; {@link DataCell} also wraps
 * the value in one box, so a value made of several pieces stays together beside its label.
 * Without `stacked` the table keeps its columns at every size and scrolls sideways inside its box.
 */
export function DataTable({ columns, caption, labelledBy, className = "mt-3", stacked = false, children }: DataTableProps) {
  return (
    <div className={cardClassName("none", `${className} overflow-x-auto`.trim())}>
      <table className={`min-w-full divide-y divide-slate-200 text-sm ${stacked ? "data-table-stacked" : ""}`.trim()} aria-labelledby={labelledBy}>
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

export interface DataCellProps extends Omit<TdHTMLAttributes<HTMLTableCellElement>, "children"> {
  /** The column's label, shown beside the value when the table is stacked; omit it for a column that needs none (actions). */
  label?: string;
  /** A row header (`<th scope="row">`), e.g. the name that identifies the row. */
  header?: boolean;
  children?: ReactNode;
}

/**
 * A body cell of a {@link DataTable}: `cellClassName`'s padding, then `className` (alignment, emphasis).
 * In a `stacked` table below 640 px it is one line, its `label` beside its value; elsewhere the label
 * is not shown (the column header names the cell).
 */
export function DataCell({ label, header = false, className, children, ...props }: DataCellProps) {
  const classes = [cellClassName, header ? "text-left font-medium" : "", className].filter(Boolean).join(" ");
  const content = <div className="min-w-0 break-words">{children}</div>;
  return header ? (
    <th scope="row" data-label={label} className={classes} {...props}>
      {content}
    </th>
  ) : (
    <td data-label={label} className={classes} {...props}>
      {content}
    </td>
  );
}
