/**
 * `decode` and `verify` through the built CLI, fed fuzzed input: arbitrary text, base64url-ish runs
 * with dots, odd JSON headers and claims, and mutations of REAL tokens from the fixture (JWT access
 * tokens for the JWT resource, an ID token, an opaque token). A sample of 60 cases per command, run
 * as real processes a few at a time: the thousands of cases live in test/unit/fuzz-*.test.ts, and
 * this file proves the built CLI behaves as those in-process runs say — same exit code, same error
 * text — with no crash (exit 1), no stack trace, at most two lines on stderr.
 *
 * Replay a failure with the seed fast-check prints: `FUZZ_SEED=<seed> npx vitest run test/integration/fuzz.test.ts`.
 */
import fc from 'fast-check';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderError } from '../../src/cli/errors.js';
import { decodeToken } from '../../src/jwt/decode.js';
import { assertValid, verifyJwt } from '../../src/jwt/verify.js';
import { startFixture, type Fixture } from '../fixtures/server.js';
import { errorOutputProblems, FUZZ_SEED, fuzzInput, isOriginal } from '../unit/fuzz-arbitraries.js';
import { runCli, tempHome, type CliResult } from './cli.js';

/** 15 batches of 4 processes: 60 cases per command. */
const BATCHES = 15;
const PARALLEL = 4;

interface Case {
  token: string;
  /** `-` and stdin, or the token as an argument (when argv can carry it). */
  viaStdin: boolean;
  json: boolean;
}

let fixture: Fixture;
let home = '';
let cleanup = () => {};
let jwts: string[] = [];
let bases: string[] = [];
let getKey: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  fixture = await startFixture();
  ({ home, cleanup } = tempHome());
  const c = fixture.clients;
  const login = async (args: string[], env: Record<string, string>) => {
    const res = await runCli(['login', '--issuer', fixture.issuer, '--token-store', 'none', '-o', 'json', ...args], { home, env });
    if (res.code !== 0) throw new Error(`login failed (${res.code}): ${res.stderr}`);
    return JSON.parse(res.stdout) as { access_token: string; id_token?: string };
  };
  const [basic, keyed, alice] = await Promise.all([
    login(['--grant', 'client_credentials', '--client-id', c.confidentialBasic.id, '--scope', 'people:read', '--resource', fixture.jwtResource], { OAUTHCTL_CLIENT_SECRET: c.confidentialBasic.secret }),
    login(['--grant', 'client_credentials', '--client-id', c.privateKeyJwt.id, '--private-key', c.privateKeyJwt.privateKeyPem, '--scope', 'people:read', '--resource', fixture.jwtResource], {}),
    login(['--grant', 'password', '--client-id', c.confidentialBasic.id, '--username', 'alice', '--scope', 'openid email'], { OAUTHCTL_CLIENT_SECRET: c.confidentialBasic.secret, OAUTHCTL_PASSWORD: 'wonderland' }),
  ]);
  jwts = [basic.access_token, keyed.access_token, alice.id_token as string];
  for (const jwt of jwts) expect(jwt.split('.')).toHaveLength(3);
  // The opaque access token is a real token too: decode must refuse it cleanly.
  bases = [...jwts, alice.access_token];
  getKey = createLocalJWKSet((await (await fetch(`${fixture.issuer}/jwks`)).json()) as JSONWebKeySet);
}, 60_000);

afterAll(async () => {
  cleanup();
  await fixture?.close();
});

/** What the token becomes on its way into the process (argv and pipes carry UTF-8). */
const asReceived = (token: string) => Buffer.from(token).toString('utf8');

function caseArb(tokens: readonly string[]): fc.Arbitrary<Case> {
  return fc.record({ input: fuzzInput(tokens), viaStdin: fc.boolean(), json: fc.boolean() }).map(({ input, viaStdin, json }) => ({
    token: input.token,
    // argv cannot carry NUL, and a leading "-" would be read as an option.
    viaStdin: viaStdin || input.token.includes('\0') || input.token.startsWith('-'),
    json,
  }));
}

function argsFor(command: string, c: Case, extra: string[] = []): { args: string[]; input: string } {
  return {
    args: [command, c.viaStdin ? '-' : c.token, ...extra, ...(c.json ? ['-o', 'json'] : [])],
    input: c.viaStdin ? c.token : '',
  };
}

/** The in-process verdict, as the CLI would render it. */
function expectedDecode(token: string, json: boolean): { exitCode: number; text: string } {
  try {
    decodeToken(asReceived(token));
    return { exitCode: 0, text: '' };
  } catch (err) {
    return renderError(err, { json, verbose: false, scrub: (s) => s });
  }
}

async function expectedVerify(token: string, json: boolean): Promise<{ exitCode: number; text: string }> {
  try {
    const result = await verifyJwt(asReceived(token), { key: { kind: 'jwks', jwks: { uri: 'fixture', getKey } }, clockSkewSeconds: 60, now: () => Date.now() });
    assertValid(result);
    return { exitCode: 0, text: '' };
  } catch (err) {
    return renderError(err, { json, verbose: false, scrub: (s) => s });
  }
}

function problemsOf(c: Case, res: CliResult, allowed: number[], expected: { exitCode: number; text: string }): string[] {
  const problems = [...errorOutputProblems(res.stderr)];
  if (res.signal !== null) problems.push(`killed by ${res.signal}`);
  if (!allowed.includes(res.code as number)) problems.push(`exit ${res.code}`);
  if (res.code !== expected.exitCode) problems.push(`exit ${res.code}, but in process ${expected.exitCode}`);
  else if (res.code !== 0 && res.stderr !== expected.text) problems.push(`stderr ${JSON.stringify(res.stderr)}, but in process ${JSON.stringify(expected.text)}`);
  return problems.map((p) => `${p} for ${JSON.stringify(c.token).slice(0, 200)} (${c.viaStdin ? 'stdin' : 'argv'}${c.json ? ', -o json' : ''}): ${res.stderr.slice(0, 300)}`);
}

async function inBatches(arb: fc.Arbitrary<Case>, check: (c: Case) => Promise<string[]>): Promise<number> {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(arb, { minLength: PARALLEL, maxLength: PARALLEL }), async (batch) => {
      const problems = (await Promise.all(batch.map(check))).flat();
      ran += batch.length;
      expect(problems).toEqual([]);
    }),
    // Shrinking would re-run processes by the hundred: the failing batch is reported as found.
    { numRuns: BATCHES, seed: FUZZ_SEED, endOnFailure: true },
  );
  return ran;
}

describe('the built CLI on fuzzed tokens', () => {
  it(`decode: exit 0 or 2, as in process, for ${BATCHES * PARALLEL} cases`, async () => {
    const seen = new Set<number | null>();
    const ran = await inBatches(caseArb(bases), async (c) => {
      const { args, input } = argsFor('decode', c);
      const res = await runCli(args, { home, input });
      seen.add(res.code);
      return problemsOf(c, res, [0, 2], expectedDecode(c.token, c.json));
    });
    expect(ran).toBe(BATCHES * PARALLEL);
    expect([...seen].sort()).toEqual([0, 2]);
  }, 120_000);

  it(`verify --jwks-uri: exit 0, 2 or 7, as in process, and 0 only for a real token, for ${BATCHES * PARALLEL} cases`, async () => {
    const seen = new Set<number | null>();
    const ran = await inBatches(caseArb(jwts), async (c) => {
      const { args, input } = argsFor('verify', c, ['--jwks-uri', `${fixture.issuer}/jwks`]);
      const res = await runCli(args, { home, input });
      seen.add(res.code);
      const problems = problemsOf(c, res, [0, 2, 7], await expectedVerify(c.token, c.json));
      if (res.code === 0 && !isOriginal(asReceived(c.token), jwts)) problems.push(`a forged token verified: ${JSON.stringify(c.token)}`);
      return problems;
    });
    expect(ran).toBe(BATCHES * PARALLEL);
    // The sample reaches every outcome: valid tokens, malformed ones, and well-formed forgeries.
    expect([...seen].sort()).toEqual([0, 2, 7]);
  }, 120_000);
});
