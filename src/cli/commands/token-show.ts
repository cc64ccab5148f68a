import { subjectOf } from '../../app/claims.js';
import { secondsLeft } from '../../app/token-set.js';
import { LoginRequiredError } from '../../errors.js';
import { toJson } from '../../json.js';
import { oneLine } from '../../sanitize.js';
import type { AuthorizationDetail } from '../../store/types.js';
import { isoDate, relative, table } from '../format.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';

export interface TokenShowOptions {
  /** `--reveal`: the tokens themselves too. */
  reveal: boolean;
}

export function parseTokenShowOptions(input: CommandInput): TokenShowOptions {
  return { reveal: input.opts.reveal === true };
}

/** `oauthctl token show`: the stored token set's metadata; the tokens only with `--reveal`. */
export async function run(opts: TokenShowOptions, session: Session): Promise<void> {
  const profile = await session.profileName();
  const store = await session.app.store();
  const tokens = (await store.get(profile))?.tokens;
  if (!tokens) throw new LoginRequiredError(`no token stored for profile '${profile}'`);
  const reveal = opts.reveal;
  const nowMs = session.app.now();
  const left = secondsLeft(tokens, nowMs);
  const subject = subjectOf(tokens);

  if (session.json) {
    const out: Record<string, unknown> = {
      profile,
      issuer: tokens.issuer ?? null,
      client_id: tokens.client_id ?? null,
      token_type: tokens.token_type,
      scope: tokens.scope ?? null,
      expires_at: left === null ? null : new Date((tokens.expires_at as number) * 1000).toISOString(),
      expires_in: left,
      ...(subject !== undefined ? { subject } : {}),
      has_refresh_token: tokens.refresh_token !== undefined,
      has_id_token: tokens.id_token !== undefined,
      store: store.kind,
      ...(tokens.issued_token_type !== undefined ? { issued_token_type: tokens.issued_token_type } : {}),
      ...(tokens.authorization_details !== undefined ? { authorization_details: tokens.authorization_details } : {}),
    };
    if (tokens.dpop_jkt) out.dpop_jkt = tokens.dpop_jkt;
    if (reveal) {
      out.access_token = tokens.access_token;
      if (tokens.refresh_token) out.refresh_token = tokens.refresh_token;
      if (tokens.id_token) out.id_token = tokens.id_token;
    }
    session.printJson(out);
    return;
  }

  const now = Math.floor(nowMs / 1000);
  const t = session.theme.out;
  const expiry =
    left === null
      ? 'unknown (the server sent no expires_in)'
      : `${isoDate(tokens.expires_at as number)} (${relative(tokens.expires_at as number, now, { future: 'expires', past: 'expired' })})`;
  const rows: [string, unknown][] = [
    ['Profile', profile],
    ['Issuer', tokens.issuer ?? tokens.token_endpoint ?? '-'],
    ['Client', tokens.client_id ?? '-'],
    ['Grant', tokens.grant ?? '-'],
    ['Token type', tokens.token_type],
    ...(tokens.issued_token_type !== undefined ? [['Issued type', tokens.issued_token_type] as [string, string]] : []),
    ...(tokens.dpop_jkt ? [['DPoP key', `${tokens.dpop_key?.alg ?? '?'}, thumbprint ${tokens.dpop_jkt}`] as [string, string]] : []),
    ['Scope', tokens.scope ?? '-'],
    ...(tokens.authorization_details ?? []).map((detail, i): [string, string] => [i === 0 ? 'Authorization' : '', describeDetail(detail, i)]),
    ['Expires', left !== null && left <= 0 ? t.red(expiry) : expiry],
    ['Obtained', isoDate(tokens.obtained_at)],
    ['Subject', subject ?? '-'],
    ['Access token', reveal ? tokens.access_token : `present (${tokens.access_token.length} chars; --reveal to print)`],
    ['Refresh token', tokens.refresh_token ? (reveal ? tokens.refresh_token : 'present') : 'none'],
    ['ID token', tokens.id_token ? (reveal ? tokens.id_token : 'present') : 'none'],
    ['Store', store.location],
  ];
  session.out(table(rows, t.bold));
}

export const command = defineCommand(parseTokenShowOptions, run);

/** The longest line one authorization detail gets in `token show`. */
const DETAIL_WIDTH = 120;

/**
 * RFC 9396 §2: one short line per detail — its `type`, then its members (`actions`,
 * `locations`, … as lists; others as compact JSON), escaped and cut at `DETAIL_WIDTH`. The whole
 * detail is in `-o json`.
 */
function describeDetail(detail: AuthorizationDetail, index: number): string {
  const members = Object.entries(detail)
    .filter(([name]) => name !== 'type')
    .map(([name, value]) => `${name} ${Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(',') : typeof value === 'string' ? value : toJson(value)}`);
  return oneLine(`${index + 1}. ${String(detail.type)}${members.length > 0 ? `: ${members.join('; ')}` : ''}`, DETAIL_WIDTH);
}
