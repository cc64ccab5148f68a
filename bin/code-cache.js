// Start-up files of dist/ compiled with the V8 code cache the build wrote beside them
// (`<file>.cache`, scripts/build.mjs): what V8 compiled in one run of `oauthctl token` is read
// back instead of being parsed and compiled again (README "Speed"). V8 checks a cache against its
// version, its flags and the file, and compiles as usual when one does not match; files without a
// cache (every other chunk, every dependency) are compiled by Node as usual.
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, sep } = require('node:path');
const vm = require('node:vm');

const DIST = join(__dirname, '..', 'dist') + sep;
const compile = Module.prototype._compile;

/**
 * Runs a CommonJS file compiled as `script` (its source wrapped by Module.wrap) as Node would. No
 * import() in it: the build sends the ESM-only dependencies through dist/esm-import.js.
 */
function runCompiled(mod, script, filename) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.cache = Module._cache;
  return script.runInThisContext().call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
}

Module.prototype._compile = function compileWithCodeCache(content, filename) {
  let cachedData;
  if (filename.startsWith(DIST)) {
    try {
      cachedData = readFileSync(`${filename}.cache`);
    } catch {
      // no cache for this file
    }
  }
  if (!cachedData) return compile.call(this, content, filename);
  return runCompiled(this, new vm.Script(Module.wrap(content), { filename, cachedData }), filename);
};

module.exports = { DIST, runCompiled };
