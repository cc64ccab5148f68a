// Bundles src/ into dist/ (one ESM entry plus lazily loaded chunks). Dependencies stay
// external: they are installed next to the package and loaded only by the commands that need them.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Small pure-JS dependencies on the start-up path are bundled (no package resolution at
  // start); the rest stay in node_modules and load only in the commands that use them: keytar
  // (native), open (ships its xdg-open script), undici, jose, prompts, proper-lockfile, shell-quote.
  external: ['keytar', 'open', 'undici', 'jose', '@inquirer/prompts', 'proper-lockfile', 'shell-quote'],
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  define: { OAUTHCTL_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (commander) require Node built-ins: give ESM a `require`.
  banner: { js: "import { createRequire as __oauthctlRequire } from 'node:module'; const require = __oauthctlRequire(import.meta.url);" },
  logLevel: 'warning',
});
