import type { Config } from "jest";

const ESM_PACKAGES = ["better-auth", "@better-auth", "better-call", "jose", "@noble", "nanostores", "kysely", "defu", "rou3", "uncrypto", "@simplewebauthn", "@peculiar"];
// msw's own ES-module-only dependencies (component tests, __tests__/components/msw).
const MSW_ESM_PACKAGES = ["rettime", "until-async", "@open-draft/deferred-promise"];

const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  moduleFileExtensions: ["ts", "tsx", "js", "mjs", "cjs", "json"],
  // better-auth, msw and some of their dependencies ship only ES modules; compile those to CommonJS too.
  transformIgnorePatterns: [`/node_modules/(?!(${[...ESM_PACKAGES, ...MSW_ESM_PACKAGES].join("|")})/)`],
  transform: {
    "^.+\\.(tsx?|m?js)$": [
      "ts-jest",
      {
        // isolatedModules: transpile each file alone. Type errors are `npm run
        // typecheck`'s job; tests only need the code to run.
        tsconfig: { module: "commonjs", moduleResolution: "node", jsx: "react-jsx", esModuleInterop: true, isolatedModules: true, allowJs: true },
      },
    ],
  },
  moduleNameMapper: { "^@/(.*)$": "<rootDir>/$1" },
  setupFiles: ["<rootDir>/__tests__/setup/env.ts"],
  // Database tests start an embedded Postgres per file, which takes seconds here.
  testTimeout: 60_000,
  // Test files mostly wait on PGlite, PostgreSQL and child processes: one worker per core
  // (Jest's default leaves one core to its own idle main process) ran the suite in 1:09 vs 1:54.
  maxWorkers: "100%",
};

export default config;
