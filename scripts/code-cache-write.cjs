// Preloaded (`node -r`) by scripts/build.mjs into one run of the built CLI: compiles the files it
// loads from dist/ as bin/code-cache.js will, and at exit writes what V8 compiled for each beside
// it as `<file>.cache`.
'use strict';
const { writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, sep } = require('node:path');
const vm = require('node:vm');

const DIST = join(__dirname, '..', 'dist') + sep;
const compile = Module.prototype._compile;
const scripts = [];

Module.prototype._compile = function compileForCodeCache(content, filename) {
  if (!filename.startsWith(DIST)) return compile.call(this, content, filename);
  const script = new vm.Script(Module.wrap(content), { filename });
  scripts.push({ filename, script });
  const mod = this;
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.cache = Module._cache;
  return script.runInThisContext().call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
};

process.on('exit', () => {
  for (const { filename, script } of scripts) writeFileSync(`${filename}.cache`, script.createCachedData());
});
