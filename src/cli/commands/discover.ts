import { assertSecureUrl } from '../../app/endpoints.js';
import { TransportError, UsageError } from '../../errors.js';
import { discoveryRequest, discoveryUrls, ENDPOINT_NAMES } from '../../oauth/discovery.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { profileFromFlags, resolveSettings } from '../settings.js';

const LISTS = [
  'grant_types_supported',
  'response_types_supported',
  'scopes_supported',
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
] as const;

export interface DiscoverOptions {
  /** `discover ISSUER` or `--issuer ISSUER` (SPEC: every profile field is a flag); else the profile's. */
  issuer?: string;
}

export function parseDiscoverOptions(input: CommandInput): DiscoverOptions {
  const positional = input.args[0];
  const flag = profileFromFlags(input.opts).issuer;
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UsageError(`two issuers given: '${positional}' and --issuer '${flag}'`, { hint: 'give the issuer once' });
  }
  const issuer = positional ?? flag;
  return issuer !== undefined ? { issuer } : {};
}

/** `oauthctl discover [ISSUER]`: the authorization server's metadata. */
export async function run(opts: DiscoverOptions, session: Session): Promise<void> {
  const issuer = opts.issuer ?? (await resolveSettings(session, {})).settings.issuer;
  if (!issuer) throw new UsageError('no issuer given', { hint: 'oauthctl discover <issuer-url> (or --issuer), or set one in a profile / OAUTHCTL_ISSUER' });
  assertSecureUrl(issuer, 'issuer', session.app.insecure);
  const found = await discoveryRequest(session.app.http, issuer, session.app.note);
  if (!found) {
    throw new TransportError('not_found', `${issuer} serves no discovery document (404 at ${discoveryUrls(issuer).join(', ')})`, {
      hint: 'check the issuer URL; without discovery, give endpoints explicitly (--token-url, --auth-url, …)',
    });
  }
  if (session.json) {
    session.out(found.raw.endsWith('\n') ? found.raw : `${found.raw}\n`);
    return;
  }
  const m = found.metadata;
  const rows: [string, string][] = [['issuer', m.issuer]];
  for (const name of ENDPOINT_NAMES) if (typeof m[name] === 'string') rows.push([name, m[name] as string]);
  for (const name of LISTS) if (Array.isArray(m[name])) rows.push([name, (m[name] as unknown[]).join(' ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  session.out(rows.map(([k, v]) => `${session.theme.out.bold(k.padEnd(width))}  ${v}`).join('\n') + '\n');
  session.err(session.theme.err.dim(`from ${found.url}\n`));
}

export const command = defineCommand(parseDiscoverOptions, run);
