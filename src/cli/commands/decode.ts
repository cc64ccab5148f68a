import { decodeToken, TIME_CLAIMS } from '../../jwt/decode.js';
import { toJson } from '../../json.js';
import { cell, isoDate, relative, timeVerbs } from '../format.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { tokenArgument } from '../token-input.js';

export interface DecodeOptions {
  /** The JWT, or `-` for stdin (also read when absent and stdin is not a terminal). */
  jwt?: string;
}

export function parseDecodeOptions(input: CommandInput): DecodeOptions {
  return input.args[0] !== undefined ? { jwt: input.args[0] } : {};
}

/**
 * `oauthctl decode`: header, claims and signature of a JWS without verifying; a JWE shows its
 * header only. `-o json` prints `{ header, payload, signature }` with the claims exactly as
 * encoded (NumericDates stay numbers).
 */
export async function run(opts: DecodeOptions, session: Session): Promise<void> {
  const decoded = decodeToken(await tokenArgument(session, opts.jwt, 'JWT'));
  if (session.json) {
    session.printJson(decoded.kind === 'jwe' ? { header: decoded.header } : { header: decoded.header, payload: decoded.payload, signature: decoded.signature });
    return;
  }
  const t = session.theme.out;
  const lines: string[] = [t.bold('Header'), indent(toJson(decoded.header, 2))];
  if (decoded.kind === 'jwe') {
    lines.push('', t.dim('Encrypted token (JWE): the payload cannot be read without the key.'));
    session.out(`${lines.join('\n')}\n`);
    return;
  }
  lines.push('', t.bold('Payload'));
  lines.push(indent(decoded.payloadIsJson ? toJson(decoded.payload, 2) : cell(decoded.payload)));
  if (decoded.payloadIsJson && decoded.payload && typeof decoded.payload === 'object') {
    const claims = decoded.payload as Record<string, unknown>;
    const now = Math.floor(session.app.now() / 1000);
    const times = TIME_CLAIMS.filter((c) => typeof claims[c] === 'number').map((c) => {
      const at = claims[c] as number;
      const rel = relative(at, now, timeVerbs(c));
      return `  ${c.padEnd(9)} ${isoDate(at)}  ${c === 'exp' && at < now ? t.red(rel) : rel}`;
    });
    if (times.length > 0) lines.push('', t.bold('Times'), ...times);
  }
  lines.push('', t.bold('Signature'), `  ${decoded.signature || '(empty: unsecured JWS)'}`, t.dim('  (not verified)'));
  session.out(`${lines.join('\n')}\n`);
}

export const command = defineCommand(parseDecodeOptions, run);

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
