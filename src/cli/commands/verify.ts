import { verificationKey } from '../../app/verify-key.js';
import { UsageError } from '../../errors.js';
import { readAll, stripOneNewline } from '../../io/io.js';
import { assertValid, verifyJwt } from '../../jwt/verify.js';
import { isoDate, relative, timeVerbs } from '../format.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { resolveSettings } from '../settings.js';
import { tokenArgument } from '../token-input.js';

/**
 * `oauthctl verify [JWT|-]`: exit 0 when the signature and claims hold, 7 with the exact reason
 * when not; `-o json` prints `{ valid, reason?, header, payload }`.
 */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const opts = input.opts;
  const arg = input.args[0];
  if (opts.secretStdin && (arg === undefined || arg === '-')) {
    throw new UsageError('--secret-stdin reads stdin, so the token must be given as an argument');
  }
  const { settings } = await resolveSettings(session, opts);
  let secret: string | undefined;
  if (opts.secretStdin) {
    secret = stripOneNewline(await readAll(session.io.stdin));
    if (!secret) throw new UsageError('--secret-stdin: stdin was empty');
    session.app.redactor.addSecret(secret);
  }
  const token = await tokenArgument(session, arg, 'JWT');
  const { key, issuer: discoveredIssuer } = await verificationKey(
    { ...(typeof opts.key === 'string' ? { keyFile: opts.key } : {}), ...(secret !== undefined ? { secret } : {}), settings },
    session.app,
  );
  const issuer = typeof opts.issuer === 'string' ? opts.issuer : discoveredIssuer;
  const result = await verifyJwt(token, {
    key,
    ...(issuer !== undefined ? { issuer } : {}),
    ...(typeof opts.audience === 'string' ? { audience: opts.audience } : {}),
    clockSkewSeconds: parseSkew(opts.clockSkew),
    ...(opts.alg !== undefined ? { algorithms: parseAlgs(opts.alg as string[]) } : {}),
    now: session.app.now,
  });

  if (session.json) session.printJson({ valid: result.valid, ...(result.reason ? { reason: result.reason } : {}), header: result.header, payload: result.payload });
  assertValid(result);
  if (session.json) return;
  const claims = result.payload as Record<string, unknown>;
  const now = Math.floor(session.app.now() / 1000);
  const lines = [`${session.theme.green('✓')} valid: ${String(result.header.alg)} signature${result.header.kid ? ` (kid ${String(result.header.kid)})` : ''}`];
  for (const name of ['iss', 'sub', 'aud'] as const) {
    if (claims[name] !== undefined) lines.push(`  ${name.padEnd(4)} ${typeof claims[name] === 'string' ? claims[name] : JSON.stringify(claims[name])}`);
  }
  if (typeof claims.exp === 'number') lines.push(`  exp  ${isoDate(claims.exp)} (${relative(claims.exp, now, timeVerbs('exp'))})`);
  session.out(`${lines.join('\n')}\n`);
}

function parseSkew(value: unknown): number {
  if (value === undefined) return 60;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--clock-skew expects seconds, got '${String(value)}'`);
  return n;
}

/** `--alg RS256,ES256` or repeated. */
function parseAlgs(values: string[]): string[] {
  const algs = values.flatMap((v) => v.split(',')).map((a) => a.trim()).filter(Boolean);
  if (algs.length === 0) throw new UsageError('--alg expects algorithm names, e.g. RS256,ES256');
  return algs;
}
