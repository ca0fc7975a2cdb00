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
    // One OpenTelemetry API and SDK per process, shared by the start script, Next.js and the routes.
    "@opentelemetry/api",
    "@opentelemetry/core",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/semantic-conventions",
  ],
  poweredByHeader: false,
  async headers() {
    // Every response, pages and API alike; pages also get a nonce-based CSP from proxy.ts.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
        ],
      },
    ];
  },
  reactStrictMode: true,
};

module.exports = nextConfig;
