/** Longest organization slug we suggest or accept. */
export const SLUG_MAX = 48;
export const ORGANIZATION_NAME_MAX = 100;

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "Acme Café, Inc." → "acme-cafe-inc": lowercase ASCII letters, digits and single hyphens. */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/, "");
}

/** An error sentence for a slug, or null when it is fine. */
export function slugError(slug: string): string | null {
  if (slug === "") return "Enter a URL slug (letters, digits and hyphens).";
  if (slug.length > SLUG_MAX) return `Use at most ${SLUG_MAX} characters.`;
  if (!SLUG_PATTERN.test(slug)) return "Use lowercase letters, digits and single hyphens, not at the start or end.";
  return null;
}
