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
  // Dependencies stay in node_modules and load only in the commands that use them; the hot
  // paths (`token`, `decode`, `--version`) load none of the big ones (see src/cli/fast-path.ts).
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  define: { OAUTHCTL_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
