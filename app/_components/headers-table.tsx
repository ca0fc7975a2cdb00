/** HTTP headers as a two-column table (name, value), in the order given; "None recorded" when empty. */
export function HeadersTable({ headers, caption }: { headers: Record<string, string> | Array<[string, string]>; caption: string }) {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  if (entries.length === 0) return <p className="text-sm italic text-slate-500">None recorded</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-left font-mono text-xs">
        <caption className="sr-only">{caption}</caption>
        <tbody className="divide-y divide-slate-100">
          {entries.map(([name, value]) => (
            <tr key={name}>
              <th scope="row" className="whitespace-nowrap py-1 pr-4 align-top font-medium text-slate-600">
                {name}
              </th>
              <td className="break-all py-1 text-slate-900">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
