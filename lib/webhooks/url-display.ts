/**
 * An endpoint URL as a viewer may see it. Owners and admins see it whole; members see its
 * scheme and host only (`https://hooks.example.com/…`): endpoint URLs often carry tokens in
 * their path or query, and members only read delivery history.
 */
export function displayUrl(url: string, full: boolean): string {
  if (full) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return "…";
  }
}
