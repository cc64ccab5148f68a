import { assertSecureUrl } from '../../app/endpoints.js';
import { TransportError, UsageError } from '../../errors.js';
import { discoveryRequest, discoveryUrls, ENDPOINT_NAMES } from '../../oauth/discovery.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { profileFromFlags, resolveSettings } from '../settings.js';
import { assertUrl } from '../../config/profile.js';
import { fieldTable } from '../format.js';

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
  /** `--resource URL`: the protected resource metadata of that API instead (RFC 9728). */
  resource?: string;
}

export function parseDiscoverOptions(input: CommandInput): DiscoverOptions {
  const positional = input.args[0];
  const flag = profileFromFlags(input.opts).issuer;
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UsageError(`two issuers given: '${positional}' and --issuer '${flag}'`, { hint: 'give the issuer once' });
  }
  const issuer = positional ?? flag;
  if (typeof input.opts.resource === 'string') {
    if (issuer !== undefined) throw new UsageError('give either an issuer or --resource, not both');
    assertUrl(input.opts.resource, '--resource');
    return { resource: input.opts.resource };
  }
  return issuer !== undefined ? { issuer } : {};
}

/** `oauthctl discover [ISSUER]`: the authorization server's metadata. */
export async function run(opts: DiscoverOptions, session: Session): Promise<void> {
  if (opts.resource !== undefined) return discoverResource(opts.resource, session);
  const issuer = opts.issuer ?? (await resolveSettings(session, {})).settings.issuer;
  if (!issuer) throw new UsageError('no issuer given', { hint: 'oauthctl discover <issuer-url> (or --issuer), or set one in a profile / OAUTHCTL_ISSUER' });
  assertSecureUrl(issuer, 'issuer', session.app.insecure);
  const found = await discoveryRequest(session.app.http, issuer, session.app.note);
  if (!found) {
    throw new TransportError('not_found', `${issuer} serves no discovery document (404 at ${discoveryUrls(issuer).join(', ')})`, {
      hint: 'check the issuer URL; without discovery, give endpoints explicitly (--token-url, --auth-url, …)',
    });
  }
  printDocument(session, found, ['issuer', ...ENDPOINT_NAMES, ...LISTS]);
}

/** `-o json`: the document as served; text: its main fields, and where it came from. */
function printDocument(session: Session, found: { metadata: Readonly<Record<string, unknown>>; raw: string; url: string }, fields: readonly string[]): void {
  if (session.json) {
    // As served; it parsed, so a tab or carriage return in it is whitespace between tokens.
    const raw = found.raw.replace(/\r\n?/g, '\n').replace(/\t/g, '  ');
    session.out(raw.endsWith('\n') ? raw : `${raw}\n`);
    return;
  }
  session.out(fieldTable(found.metadata, fields, session.theme.out));
  session.err(session.theme.err.dim(`from ${found.url}\n`));
}

export const command = defineCommand(parseDiscoverOptions, run);

const RESOURCE_FIELDS = ['resource', 'resource_name', 'authorization_servers', 'scopes_supported', 'bearer_methods_supported', 'resource_documentation'] as const;

/** `discover --resource URL`: the protected resource's metadata (RFC 9728). */
async function discoverResource(url: string, session: Session): Promise<void> {
  const { findResourceMetadata } = await import('../../app/resource.js');
  printDocument(session, await findResourceMetadata(url, session.app), RESOURCE_FIELDS);
}
