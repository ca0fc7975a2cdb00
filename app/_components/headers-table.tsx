/**
 * HTTP headers as a two-column table (name, value), in the order given; "None recorded" when empty.
 * Below 640 px each header's name sits above its value, and both wrap, so a long signature or URL
 * never widens the page.
 */
export function HeadersTable({ headers, caption }: { headers: Record<string, string> | Array<[string, string]>; caption: string }) {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  if (entries.length === 0) return <p className="text-sm italic text-slate-500">None recorded</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-left font-mono text-xs max-sm:block">
        <caption className="sr-only">{caption}</caption>
        <tbody className="divide-y divide-slate-100 max-sm:block">
          {entries.map(([name, value]) => (
            <tr key={name} className="max-sm:flex max-sm:flex-col max-sm:py-1">
              <th scope="row" className="break-all py-1 pr-4 align-top font-medium text-slate-600 max-sm:py-0 sm:whitespace-nowrap">
                {name}
              </th>
              <td className="break-all py-1 text-slate-900 max-sm:py-0">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
