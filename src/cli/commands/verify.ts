import { verificationKey } from '../../app/verify-key.js';
import type { Profile } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { readAll, stripOneNewline } from '../../io/io.js';
import { assertValid, verifyJwt } from '../../jwt/verify.js';
import { defineCommand, type CommandInput } from '../command.js';
import { cell, isoDate, relative, timeVerbs } from '../format.js';
import { parseSeconds } from '../globals.js';
import type { Session } from '../session.js';
import { profileFromFlags, resolveSettings } from '../settings.js';
import { tokenArgument } from '../token-input.js';

export interface VerifyOptions {
  /** The JWT, or `-` for stdin. */
  jwt?: string;
  /** Profile fields as flags (`--jwks-uri`, `--issuer`, `--audience`, …). */
  profileFlags: Profile;
  /** `--key FILE`. */
  keyFile?: string;
  /** `--secret-stdin`: the HMAC secret comes from stdin (so the JWT must be an argument). */
  secretStdin: boolean;
  /** `--clock-skew`, default 60. */
  clockSkewSeconds: number;
  /** `--alg`, comma-separated or repeated. */
  algorithms?: string[];
}

export function parseVerifyOptions(input: CommandInput): VerifyOptions {
  const opts = input.opts;
  const jwt = input.args[0];
  const secretStdin = opts.secretStdin === true;
  if (secretStdin && (jwt === undefined || jwt === '-')) {
    throw new UsageError('--secret-stdin reads stdin, so the token must be given as an argument');
  }
  return {
    ...(jwt !== undefined ? { jwt } : {}),
    // `--key` is the verification key here, never the profile's TLS client key.
    profileFlags: profileFromFlags({ ...opts, key: undefined }),
    ...(typeof opts.key === 'string' ? { keyFile: opts.key } : {}),
    secretStdin,
    clockSkewSeconds: opts.clockSkew === undefined ? 60 : parseSeconds(opts.clockSkew, '--clock-skew'),
    ...(opts.alg !== undefined ? { algorithms: parseAlgs(opts.alg as string[]) } : {}),
  };
}

/**
 * `oauthctl verify [JWT|-]`: exit 0 when the signature and claims hold, 7 with the exact reason
 * when not; `-o json` prints `{ valid, reason?, header, payload }`.
 */
export async function run(opts: VerifyOptions, session: Session): Promise<void> {
  const { settings } = await resolveSettings(session, opts.profileFlags);
  let secret: string | undefined;
  if (opts.secretStdin) {
    secret = stripOneNewline(await readAll(session.io.stdin));
    if (!secret) throw new UsageError('--secret-stdin: stdin was empty');
    session.app.redactor.addSecret(secret);
  }
  const token = await tokenArgument(session, opts.jwt, 'JWT');
  const { key, issuer: discoveredIssuer } = await verificationKey(
    { ...(opts.keyFile !== undefined ? { keyFile: opts.keyFile } : {}), ...(secret !== undefined ? { secret } : {}), settings },
    session.app,
  );
  const issuer = opts.profileFlags.issuer ?? discoveredIssuer;
  const audience = opts.profileFlags.audience;
  const result = await verifyJwt(token, {
    key,
    ...(issuer !== undefined ? { issuer } : {}),
    ...(audience !== undefined ? { audience } : {}),
    clockSkewSeconds: opts.clockSkewSeconds,
    ...(opts.algorithms !== undefined ? { algorithms: opts.algorithms } : {}),
    now: session.app.now,
  });

  if (session.json) session.printJson({ valid: result.valid, ...(result.reason ? { reason: result.reason } : {}), header: result.header, payload: result.payload });
  assertValid(result);
  if (session.json) return;
  const claims = result.payload as Record<string, unknown>;
  const now = Math.floor(session.app.now() / 1000);
  const lines = [`${session.theme.out.green('✓')} valid: ${cell(result.header.alg)} signature${result.header.kid ? ` (kid ${cell(result.header.kid)})` : ''}`];
  for (const name of ['iss', 'sub', 'aud'] as const) {
    if (claims[name] !== undefined) lines.push(`  ${name.padEnd(4)} ${cell(claims[name])}`);
  }
  if (typeof claims.exp === 'number') lines.push(`  exp  ${isoDate(claims.exp)} (${relative(claims.exp, now, timeVerbs('exp'))})`);
  session.out(`${lines.join('\n')}\n`);
}

export const command = defineCommand(parseVerifyOptions, run);

/** `--alg RS256,ES256` or repeated. */
function parseAlgs(values: string[]): string[] {
  const algs = values.flatMap((v) => v.split(',')).map((a) => a.trim()).filter(Boolean);
  if (algs.length === 0) throw new UsageError('--alg expects algorithm names, e.g. RS256,ES256');
  return algs;
}
