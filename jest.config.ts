import type { Config } from "jest";

const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  transform: {
    "^.+\\.tsx?$": [
      "ts-jest",
      {
        // isolatedModules: transpile each file alone. Type errors are `npm run
        // typecheck`'s job; tests only need the code to run.
        tsconfig: { module: "commonjs", moduleResolution: "node", jsx: "react-jsx", esModuleInterop: true, isolatedModules: true },
      },
    ],
  },
  moduleNameMapper: { "^@/(.*)$": "<rootDir>/$1" },
  setupFiles: ["<rootDir>/__tests__/setup/env.ts"],
  // Database tests start an embedded Postgres per file, which takes seconds here.
  testTimeout: 60_000,
};

export default config;
