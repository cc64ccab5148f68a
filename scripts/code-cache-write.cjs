// Preloaded (`node -r`) by scripts/build.mjs into runs of the built CLI: compiles the files a run
// loads from dist/ as bin/code-cache.js does, and at exit writes what V8 compiled for each beside
// it as `<file>.cache`. A file that has a cache already (from an earlier run) keeps it.
'use strict';
const { existsSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const vm = require('node:vm');
const { DIST, runCompiled } = require('../bin/code-cache.js');

const compile = Module.prototype._compile;
const scripts = [];

Module.prototype._compile = function compileForCodeCache(content, filename) {
  if (!filename.startsWith(DIST) || existsSync(`${filename}.cache`)) return compile.call(this, content, filename);
  const script = new vm.Script(Module.wrap(content), { filename });
  scripts.push({ filename, script });
  return runCompiled(this, script, filename);
};

process.on('exit', () => {
  for (const { filename, script } of scripts) writeFileSync(`${filename}.cache`, script.createCachedData());
});
