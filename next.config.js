/** @type {import('next').NextConfig} */
const nextConfig = {
  // The database drivers and Prisma's runtime are loaded from node_modules at run
  // time, never bundled: PGlite ships Wasm and data files, and the app, the
  // worker and the start script must share one instance of each per process.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "pino",
    "undici",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
