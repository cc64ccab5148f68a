/**
 * Property-based tests of `decode` (src/jwt/decode.ts, and the command around it): whatever the
 * input — arbitrary text, base64url-ish runs with dots, odd JSON headers and claims, mutated real
 * tokens — decode never crashes: it succeeds (exit 0) or says in one line what is wrong (exit 2),
 * never a stack trace, never more than two lines on stderr. Errors go through the CLI's own
 * `renderError`, so the exit codes are those the CLI would give.
 *
 * Replay a failure with the seed fast-check prints: `FUZZ_SEED=<seed> npx vitest run test/unit/fuzz-decode.test.ts`.
 */
import { Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { CompactEncrypt, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderError } from '../../src/cli/errors.js';
import { decodeToken } from '../../src/jwt/decode.js';
import { runCli } from '../../src/cli/run.js';
import { streamsIO } from '../../src/io/io.js';
import { errorOutputProblems, FUZZ_SEED, fuzzInput } from './fuzz-arbitraries.js';

/** At least 2,000 in CI; `FUZZ_RUNS=50000` for a deeper run. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const scrub = (s: string) => s;

/** decodeToken as the CLI runs it: a result, or the rendered error and its exit code. */
function decodeLikeCli(input: string, json: boolean): { exitCode: number; text: string; verboseText: string } {
  try {
    const decoded = decodeToken(input);
    JSON.stringify(decoded.kind === 'jwe' ? { header: decoded.header } : decoded);
    return { exitCode: 0, text: '', verboseText: '' };
  } catch (err) {
    const rendered = renderError(err, { json, verbose: false, scrub });
    return { ...rendered, verboseText: renderError(err, { json, verbose: true, scrub }).text };
  }
}

/** The whole CLI in this process (`runCli` from src/main.ts) with buffers for streams. */
async function cliInProcess(argv: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const out = sink((s) => (stdout += s));
  const err = sink((s) => (stderr += s));
  const code = await runCli({
    argv,
    env: { NO_COLOR: '1', OAUTHCTL_TOKEN_STORE: 'none', OAUTHCTL_HOME: '/nonexistent/oauthctl-fuzz' },
    makeIO: () => streamsIO({ stdin: Readable.from([Buffer.from(stdin)]), stdout: out, stderr: err }),
    platform: 'linux',
    homedir: '/nonexistent',
    now: () => 1_800_000_000_000,
    version: '0.0.0-fuzz',
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

let tokens: string[] = [];

beforeAll(async () => {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const now = 1_800_000_000;
  tokens = [
    // Shaped like the fixture's JWT access token and ID token.
    await new SignJWT({ scope: 'people:read', client_id: 'confidential-basic', jti: 'x1' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'op-1' })
      .setIssuer('http://127.0.0.1:1').setSubject('alice').setAudience('urn:oauthctl:jwt-api').setIssuedAt(now).setExpirationTime(now + 3600)
      .sign(rsa.privateKey),
    await new SignJWT({ nonce: 'n', email: 'alice@example.com', auth_time: now - 5 })
      .setProtectedHeader({ alg: 'ES256', kid: 'op-2' })
      .setIssuer('http://127.0.0.1:1').setSubject('alice').setAudience(['a', 'b']).setIssuedAt(now).setNotBefore(now).setExpirationTime(now - 60)
      .sign(ec.privateKey),
    await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!')),
    await new CompactEncrypt(new TextEncoder().encode('{"sub":"x"}'))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
      .encrypt(new Uint8Array(16)),
  ];
});

describe('decodeToken never crashes (fast-check)', () => {
  it(`exit 0 or 2 with one clean line, for ${NUM_RUNS} inputs`, () => {
    let ok = 0;
    fc.assert(
      fc.property(fuzzInput(tokens), fc.boolean(), ({ token, base }, json) => {
        const res = decodeLikeCli(token, json);
        expect([0, 2]).toContain(res.exitCode);
        expect(errorOutputProblems(res.text)).toEqual([]);
        // No error decode can raise is unexpected: even -v shows no stack trace.
        expect(errorOutputProblems(res.verboseText)).toEqual([]);
        if (json && res.text) expect(Object.keys(JSON.parse(res.text) as object)).toEqual(['error']);
        if (base !== undefined && token === base) expect(res.exitCode).toBe(0);
        if (res.exitCode === 0) ok += 1;
      }),
      { numRuns: NUM_RUNS, seed: FUZZ_SEED },
    );
    // The generators reach past the first checks: a fair share of inputs decodes.
    expect(ok).toBeGreaterThan(NUM_RUNS / 10);
  });

  it('an unmodified token decodes to its own header and signature', () => {
    for (const token of tokens) {
      const decoded = decodeToken(token);
      const [h, , s] = token.split('.');
      expect(decoded.header).toEqual(JSON.parse(Buffer.from(h as string, 'base64url').toString()));
      if (decoded.kind === 'jws') expect(decoded.signature).toBe(s);
    }
  });
});

describe('the decode command never crashes (fast-check, whole CLI in process)', () => {
  it(`text, -o json and -v: exit 0 or 2, stdout only on success, at most two clean lines on stderr, for ${NUM_RUNS} inputs`, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzInput(tokens), fc.constantFrom([], ['-o', 'json'], ['-v']), async ({ token }, flags) => {
        const res = await cliInProcess(['decode', '-', ...flags], token);
        expect([0, 2]).toContain(res.code);
        expect(errorOutputProblems(res.stderr)).toEqual([]);
        if (res.code === 0) {
          expect(res.stderr).toBe('');
          if (flags[0] === '-o') expect(Object.keys(JSON.parse(res.stdout) as object)).toContain('header');
        } else {
          expect(res.stdout).toBe('');
          // The CLI and decodeToken agree on what is wrong.
          expect(res.stderr).toBe(decodeLikeCli(Buffer.from(token).toString(), flags[0] === '-o').text);
        }
      }),
      { numRuns: NUM_RUNS, seed: FUZZ_SEED },
    );
  });
});
