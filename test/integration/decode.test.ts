/** `decode` through the built CLI: exact JSON for the RFC 7519 example, one-line errors. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RFC7519_JWT } from '../support/examples.js';
import { runCli, tempHome } from './cli.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
});
afterEach(() => cleanup());

describe('oauthctl decode', () => {
  it('prints the RFC 7519 §3.1 example\'s exact header and claims with -o json', async () => {
    const res = await runCli(['decode', '-o', 'json', RFC7519_JWT], { home });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout)).toEqual({
      header: { typ: 'JWT', alg: 'HS256' },
      payload: { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true },
      signature: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    });
  });

  it('reads stdin with "-" and shows times relative to now', async () => {
    const res = await runCli(['decode', '-'], { home, input: `${RFC7519_JWT}\n` });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/exp\s+2011-03-22T18:43:00Z\s+expired \d+y ago/);
  });

  it.each([['garbage'], ['a.b.c'], ['eyJhbGciOiJub25lIn0.!!!.x']])('exits 2 with one line for %j', async (input) => {
    const res = await runCli(['decode', input], { home });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^oauthctl: not a JWT: [^\n]+\n$/);
  });

  it('gives the JSON error object with -o json', async () => {
    const res = await runCli(['decode', 'garbage', '-o', 'json'], { home });
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stderr)).toEqual({ error: { code: 'malformed_jwt', message: expect.stringContaining('not a JWT') } });
  });
});

describe('usage errors', () => {
  it('suggests the nearest command and flag, exit 2', async () => {
    const cmd = await runCli(['tokne'], { home });
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toBe("oauthctl: unknown command 'tokne'\nhint: did you mean token?\n");
    const flag = await runCli(['token', '--min-tt', '5'], { home });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('did you mean --min-ttl?');
  });

  it('prints help with examples on stdout', async () => {
    const res = await runCli(['decode', '--help'], { home });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ {2}\$ oauthctl decode /m);
  });
});

describe('stdout closed early', () => {
  it('`--help | head -1` ends quietly (no EPIPE stack trace)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BIN } = await import('./cli.js');
    const res = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --help | head -1`], { encoding: 'utf8' });
    expect(res.stdout).toMatch(/^Usage: oauthctl/);
    expect(res.stderr).toBe('');
  });
});
