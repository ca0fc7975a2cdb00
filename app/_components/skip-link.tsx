/** "Skip to content": the first tab stop of a page header, hidden until focused, jumping to `#main`. */
export function SkipLink() {
  return (
    <a
      href="#main"
      className="sr-only rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50"
    >
      Skip to content
    </a>
  );
}
