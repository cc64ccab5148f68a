// Builds src/ into dist/: one entry (dist/main.js) plus lazily loaded chunks, as CommonJS.
//
// - Rollup bundles and splits; esbuild only strips the TypeScript (a plugin below). Rollup's
//   WebAssembly build: the native one's per-platform optional packages are not all written to
//   package-lock.json by npm 11, and `npm ci` then refuses the lock file. Rollup because
//   it splits CommonJS output (esbuild splits only ESM) and keeps a module that is already loaded
//   when a chunk is imported in the chunk that loaded it, so `oauthctl token` and `decode` read
//   three files, not fifteen.
// - CommonJS because Node 20 loads it synchronously, while an ESM graph goes through the
//   asynchronous module loader, whose cost measured about 0.1× of `node -e 0` on `decode`
//   (README "Speed"). A lazy `import('./x.js')` becomes a lazy `require`.
// - Dependencies stay external, installed next to the package and loaded only by the commands that
//   use them. Those with a CommonJS build are required; ESM-only ones (chalk, open) keep a real
//   `import()`, which the source must use for them: a static import fails the build. jose is the
//   exception: bundled (see `bundledJose` below).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { rollup } from '@rollup/wasm-node';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

/** Our sources import `./x.js` (as Node's ESM wants); the file is `./x.ts`. esbuild strips types. */
const typescript = {
  name: 'typescript',
  resolveId(source, importer) {
    if (!importer || !source.startsWith('.')) return null;
    const file = resolve(dirname(importer), source).replace(/\.js$/, '.ts');
    return existsSync(file) ? file : null;
  },
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const out = await transform(code, {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      sourcefile: id,
      define: { OAUTHCTL_VERSION: JSON.stringify(pkg.version) },
    });
    return { code: out.code, map: out.map };
  },
};

/** ESM-only dependencies keep `import()`; `require()` of them would throw on Node 20. */
const esmOnlyDependencies = {
  name: 'esm-only-dependencies',
  renderDynamicImport({ targetModuleId, chunk }) {
    if (!targetModuleId || !isPackage(targetModuleId) || !isEsmOnly(targetModuleId)) return null;
    // Through dist/esm-import.js, which Node compiles itself: a file compiled with the code cache
    // (bin/code-cache.js) has no import() of its own.
    return { left: `require(${JSON.stringify(chunk.fileName.includes('/') ? '../esm-import.js' : './esm-import.js')})(`, right: ')' };
  },
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      const staticEsm = chunk.imports.filter((id) => isPackage(id) && isEsmOnly(id));
      if (staticEsm.length > 0) this.error(`${chunk.fileName} imports the ESM-only ${staticEsm.join(', ')} statically; use await import() where it is needed`);
    }
  },
};

/**
 * jose is bundled, not required: it is ESM-only, and `import('jose')` from CommonJS goes through
 * Node's ESM loader and reads its whole index (about 70 files) on the first proof or signature.
 * Bundled, Rollup keeps of it only what each chunk uses (a DPoP proof: SignJWT, importJWK and the
 * thumbprint), as CommonJS. Its package says `sideEffects: false`, which Rollup is told here.
 */
const JOSE_DIR = dirname(fileURLToPath(import.meta.resolve('jose')));
const bundledJose = {
  name: 'bundled-jose',
  resolveId(source) {
    return isJose(source) ? fileURLToPath(import.meta.resolve(source)) : null;
  },
};

const bundle = await rollup({
  input: join(ROOT, 'src/main.ts'),
  plugins: [bundledJose, typescript, esmOnlyDependencies],
  external: (id) => isPackage(id) && !isJose(id),
  // Requiring a dependency for nothing but its side effects: none of ours needs that, and jose
  // declares it has none.
  treeshake: { moduleSideEffects: (id, external) => !external && !id.startsWith(JOSE_DIR) },
  // The entry may carry modules shared with chunks, instead of re-exporting them from one more file.
  preserveEntrySignatures: 'allow-extension',
  onwarn(warning) {
    throw new Error(`rollup: ${warning.message}`);
  },
});
rmSync(DIST, { recursive: true, force: true });
await bundle.write({
  dir: DIST,
  format: 'cjs',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  dynamicImportInCjs: false,
  hoistTransitiveImports: false, // CommonJS loads one file at a time anyway
  generatedCode: 'es2015',
  sourcemap: true,
});
await bundle.close();
// dist/ is CommonJS whatever the package's own "type" says.
writeFileSync(join(DIST, 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(DIST, 'esm-import.js'), "'use strict';\n// import() of the ESM-only dependencies (chalk, open) for the chunks: see scripts/build.mjs.\nmodule.exports = (id) => import(id);\n");
writeCodeCache();

/**
 * V8's code cache for the start-up files (README "Speed"): the built CLI runs each fast command
 * once (`token` first: the start-up chunk's cache is its) under scripts/code-cache-write.cjs,
 * which writes what V8 compiled for each file a run loaded from dist/ beside it as `<file>.cache`;
 * bin/code-cache.js hands those to V8 at start-up. No network: the tokens are in a scratch file
 * store (a DPoP-bound one with a throwaway key for `token proof`), and a renewal is trained on a
 * client_credentials request to a closed loopback port (exit 4), which loads the grant's chunks.
 * The same node runs the build and the CLI here; elsewhere V8 refuses a cache made by another
 * version and compiles as usual.
 */
function writeCodeCache() {
  const home = mkdtempSync(join(tmpdir(), 'oauthctl-build-'));
  try {
    const tokens = { access_token: 'code-cache-training', token_type: 'Bearer', expires_at: 4102444800, obtained_at: 0 };
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const dpop = { tokens: { ...tokens, token_type: 'DPoP', dpop_key: { alg: 'ES256', jwk } } };
    writeFileSync(join(home, 'tokens.json'), JSON.stringify({ version: 1, profiles: { default: { tokens }, dpop } }), { mode: 0o600 });
    // Nothing from the developer's own settings: no OAUTHCTL_* but these, no proxy, no NODE_OPTIONS.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OAUTHCTL_|NODE_OPTIONS$|https?_proxy$)/i.test(k)));
    Object.assign(env, { OAUTHCTL_HOME: home, OAUTHCTL_TOKEN_STORE: 'file', OAUTHCTL_PROFILE: 'default', OAUTHCTL_CLIENT_SECRET: 'code-cache', NO_PROXY: '*' });
    const renewal = ['token', '--token-store', 'none', '--grant', 'client_credentials', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'code-cache', '--no-discovery', '--timeout', '5'];
    const runs = [
      { args: ['token'] },
      { args: ['token', '--format', 'exec-credential'] },
      { args: ['git-credential', 'get'], input: 'protocol=https\nhost=example.com\n\n' },
      { args: ['status'] },
      { args: ['decode', '-'], input: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjb2RlLWNhY2hlIn0.' },
      { args: ['token', 'proof', 'GET', 'https://api.example/people', '-p', 'dpop'] },
      { args: ['exec', '--', process.execPath, '-e', ''] },
      { args: renewal, status: 4 },
    ];
    for (const { args, input = '', status = 0 } of runs) {
      const res = spawnSync(process.execPath, ['-r', join(ROOT, 'scripts/code-cache-write.cjs'), join(ROOT, 'bin/oauthctl.js'), ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
      if (res.status === status && (status !== 0 || res.stderr === '')) continue;
      const message = `code cache: \`oauthctl ${args.join(' ')}\` ended with ${res.status ?? res.signal}, not ${status}: ${res.stderr}`;
      // The renewal's run depends on the machine's loopback; without it, those chunks compile as usual.
      if (status !== 0) process.stderr.write(`warning: ${message}\n`);
      else throw new Error(message);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `jose` or one of its subpath exports (`jose/jwt/sign`). */
function isJose(id) {
  return id === 'jose' || id.startsWith('jose/');
}

/** A dependency (or a Node built-in), not one of our files. */
function isPackage(id) {
  return !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');
}

/** True when `require(id)` would load an ES module (a package without a CommonJS build). */
function isEsmOnly(id) {
  if (id.startsWith('node:')) return false;
  let file;
  try {
    file = requireFromRoot.resolve(id);
  } catch {
    return false; // not installed here (keytar is optional): require reports it at run time
  }
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
  }
  return false;
}
