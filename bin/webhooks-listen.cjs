#!/usr/bin/env node
// The `listen` CLI as an npm bin: runs scripts/listen.ts through tsx, which the package depends on.
// CommonJS on purpose: tsx's require hook loads the TypeScript entry without an ES module cycle.
/* eslint-disable @typescript-eslint/no-require-imports */
require("tsx/cjs");
require("../scripts/listen.ts");
