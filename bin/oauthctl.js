#!/usr/bin/env node
// CommonJS (bin/package.json): Node starts it without its ESM loader. See scripts/build.mjs.
require("./code-cache.js");
require("../dist/main.js").main();
