/**
 * The first-run setup of `oauthctl login` (SPEC `login`: "with no profile and no flags on a TTY, a
 * short first-run setup asks for issuer, client id, grant and secret and saves a profile"), and
 * the questions it shares with `profile add`. Prompts go to stderr through `session.prompter`;
 * Ctrl+C there is an InterruptedError (exit 130) and, as everything is saved only after the last
 * answer, leaves nothing behind.
 */
import { assertSecureUrl } from '../app/endpoints.js';
import { needsClientSecret } from '../app/client.js';
import { updateConfig } from '../config/config-file.js';
import { configPath } from '../config/paths.js';
import { resolveProfile, type Grant, type Profile } from '../config/profile.js';
import { TransportError } from '../errors.js';
import { discoveryRequest, type AuthServerMetadata } from '../oauth/discovery.js';
import type { Session } from './session.js';
import type { SecretFlags } from './settings.js';

/** How many issuer URLs the setup tries before a discovery failure ends it (exit 4). */
export const ISSUER_ATTEMPTS = 3;

/** Offered in this order, when the server supports them (RFC 8414 §2 `grant_types_supported`). */
const SETUP_GRANTS = [
  { value: 'authorization_code', wire: 'authorization_code', description: 'sign in through the browser (PKCE)' },
  { value: 'device_code', wire: 'urn:ietf:params:oauth:grant-type:device_code', description: 'sign in on another device with a code (RFC 8628)' },
  { value: 'client_credentials', wire: 'client_credentials', description: 'the client acts for itself; needs a client secret' },
  { value: 'password', wire: 'password', description: 'user name and password (legacy)' },
] as const;

const DEFAULT_SCOPE = 'openid profile offline_access';
/** `input` always wants a value: this answer to an optional URL question means "none". */

/** What the issuer question established: the issuer, and the metadata or explicit endpoints. */
export interface ServerAnswer {
  issuer: string;
  /** The discovery document, when the server has one. */
  metadata?: AuthServerMetadata;
  /** Profile fields to save: `issuer`, plus explicit endpoints when there is no discovery. */
  fields: Profile;
  /** The endpoints are known (discovered or asked for), so grants without theirs are not offered. */
  endpointsKnown: true;
}

/** What {@link askGrant} needs: an asked server, or profile fields whose server was not asked. */
export type GrantContext = { metadata?: AuthServerMetadata; fields: Profile; endpointsKnown?: boolean };

/**
 * Asks for the issuer URL and runs discovery at once, saying what was found. A server without
 * a discovery document (404) gets questions for its token endpoint and (optional) authorization
 * endpoint instead. A failing discovery (network, TLS, wrong issuer, not metadata) is one line,
 * then the question again; after {@link ISSUER_ATTEMPTS} failures its error ends the setup.
 */
export async function askServer(session: Session): Promise<ServerAnswer> {
  const p = session.prompter;
  const t = session.theme.err;
  let last = '';
  for (let attempt = 1; ; attempt++) {
    const issuer = (await p.input('Issuer URL', { ...(last ? { default: last } : {}), validate: urlCheck(session, 'issuer') })).trim();
    last = issuer;
    let metadata: AuthServerMetadata | undefined;
    try {
      metadata = (await discoveryRequest(session.app.http, issuer, session.app.note))?.metadata;
    } catch (err) {
      if (!(err instanceof TransportError) || attempt >= ISSUER_ATTEMPTS) throw err;
      session.err(`${t.red('✗')} ${issuer}: ${oneLine(err.message)}${err.hint ? ` (${err.hint})` : ''}; try again (${attempt}/${ISSUER_ATTEMPTS})\n`);
      continue;
    }
    if (!metadata) {
      session.err(`${t.yellow('!')} ${issuer} has no discovery document (404): give the endpoints yourself\n`);
      const fields: Profile = { issuer, token_endpoint: await askUrl(session, 'Token endpoint', 'token_endpoint') };
      const auth = await askUrl(session, 'Authorization endpoint (optional, Enter for none)', 'authorization_endpoint', true);
      if (auth) fields.authorization_endpoint = auth;
      return { issuer, fields, endpointsKnown: true };
    }
    session.err(`${t.green('✓')} found: ${describeMetadata(metadata)}\n`);
    const fields: Profile = { issuer };
    if (typeof metadata.token_endpoint !== 'string') fields.token_endpoint = await askUrl(session, 'Token endpoint (not in the discovery document)', 'token_endpoint');
    return { issuer, metadata, fields, endpointsKnown: true };
  }
}

export async function askClientId(session: Session): Promise<string> {
  return (await session.prompter.input('Client ID', { validate: (v) => (v.trim() ? true : 'enter the client id') })).trim();
}

/**
 * The grant to save as the profile's default: a select of the grants the server supports (all
 * four when it does not say), authorization_code the default when it is offered.
 */
export async function askGrant(session: Session, server: GrantContext): Promise<Grant> {
  const choices = grantChoices(server);
  const def = choices.some((c) => c.value === 'authorization_code') ? 'authorization_code' : choices[0]?.value;
  return session.prompter.select(
    'Grant',
    choices.map(({ value, description }) => ({ value, description })),
    def,
  );
}

/** The setup's grant choices, in SETUP_GRANTS order. */
export function grantChoices(server: GrantContext): (typeof SETUP_GRANTS)[number][] {
  if (!server.endpointsKnown) return [...SETUP_GRANTS];
  const m = server.metadata;
  const hasAuth = typeof m?.authorization_endpoint === 'string' || server.fields.authorization_endpoint !== undefined;
  const hasDevice = typeof m?.device_authorization_endpoint === 'string' || server.fields.device_authorization_endpoint !== undefined;
  const listed = Array.isArray(m?.grant_types_supported) ? (m.grant_types_supported as unknown[]) : undefined;
  const usable = SETUP_GRANTS.filter((g) => {
    if (g.value === 'authorization_code' && !hasAuth) return false;
    if (g.value === 'device_code' && !hasDevice) return false;
    return listed ? listed.includes(g.wire) : true;
  });
  return usable.length > 0 ? usable : [...SETUP_GRANTS];
}

/** Checks an http(s) URL the way the commands will use it (no plain http:// off loopback). */
function urlCheck(session: Session, what: string, optional = false): (v: string) => true | string {
  return (value) => {
    const v = value.trim();
    if (optional && v.trim() === '') return true;
    if (!/^https?:\/\//i.test(v) || !URL.canParse(v)) return 'enter an http(s) URL';
    try {
      assertSecureUrl(v, what, session.app.insecure);
      return true;
    } catch (err) {
      return (err as Error).message;
    }
  };
}

async function askUrl(session: Session, message: string, what: string): Promise<string>;
async function askUrl(session: Session, message: string, what: string, optional: true): Promise<string | undefined>;
async function askUrl(session: Session, message: string, what: string, optional = false): Promise<string | undefined> {
  const answer = (
    await session.prompter.input(message, { ...(optional ? { optional: true } : {}), validate: urlCheck(session, what, optional) })
  ).trim();
  return optional && answer === '' ? undefined : answer;
}

/** "authorization, token, device endpoints; PKCE S256". */
export function describeMetadata(m: AuthServerMetadata): string {
  const names: [keyof AuthServerMetadata, string][] = [
    ['authorization_endpoint', 'authorization'],
    ['token_endpoint', 'token'],
    ['device_authorization_endpoint', 'device'],
    ['userinfo_endpoint', 'userinfo'],
    ['introspection_endpoint', 'introspection'],
    ['revocation_endpoint', 'revocation'],
  ];
  const found = names.filter(([k]) => typeof m[k] === 'string').map(([, label]) => label);
  const parts = [found.length > 0 ? `${found.join(', ')} endpoint${found.length === 1 ? '' : 's'}` : 'no endpoints'];
  const pkce = m.code_challenge_methods_supported;
  if (Array.isArray(pkce) && pkce.length > 0) parts.push(`PKCE ${pkce.join(', ')}`);
  return parts.join('; ');
}

/** The default scope, keeping only what `scopes_supported` lists when the server lists it. */
export function defaultScope(metadata?: AuthServerMetadata): string {
  const supported = metadata?.scopes_supported;
  if (!Array.isArray(supported)) return DEFAULT_SCOPE;
  const kept = DEFAULT_SCOPE.split(' ').filter((s) => supported.includes(s));
  return kept.length > 0 ? kept.join(' ') : DEFAULT_SCOPE;
}

async function askSecret(session: Session, required: boolean): Promise<string | undefined> {
  const message = required ? 'Client secret' : 'Client secret (empty for a public client)';
  for (;;) {
    const secret = await session.prompter.secret(message);
    if (secret) return secret;
    if (!required) return undefined;
    session.err(`${session.theme.err.yellow('!')} client_credentials needs a client secret\n`);
  }
}

export interface FirstRunResult {
  /** The saved profile. */
  profile: Profile;
  /** Flags > environment > the saved profile: what the login goes on with. */
  settings: Profile;
}

/**
 * Asks for issuer (with discovery), client id, grant, client secret and (for browser and device
 * sign-in) scope; saves the profile under `profileName` (current when there is none), the secret
 * in the token store, and says where. Fields given as flags (`--grant`, `--scope`, …) are not
 * asked; a secret given by flag or OAUTHCTL_CLIENT_SECRET is left to the login.
 */
export async function firstRunSetup(session: Session, profileName: string, given: { profileFlags: Profile; secret: SecretFlags }): Promise<FirstRunResult> {
  const t = session.theme.err;
  const flags = given.profileFlags;
  session.err(`${t.bold(`No profile '${profileName}' yet: a short setup`)} (Ctrl+C to cancel)\n`);

  const server = await askServer(session);
  const profile: Profile = { ...server.fields, client_id: await askClientId(session) };
  const grant = flags.grant ?? (await askGrant(session, server));
  profile.grant = grant;

  const secretGiven = given.secret.stdin || given.secret.value !== undefined || Boolean(session.env.OAUTHCTL_CLIENT_SECRET);
  const secret = secretGiven ? undefined : await askSecret(session, needsClientSecret({ ...profile, ...flags }, grant));
  session.app.redactor.addSecret(secret);

  if ((grant === 'authorization_code' || grant === 'device_code') && !flags.scope) {
    profile.scope = (await session.prompter.input('Scope', { default: defaultScope(server.metadata) })).trim();
  }

  // Everything is answered: only now is anything written (Ctrl+C above leaves no trace).
  let where = '';
  if (secret !== undefined) {
    const store = await session.app.store();
    await store.put(profileName, { ...((await store.get(profileName)) ?? {}), client_secret: secret });
    where = `; client secret in ${store.location}`;
  }
  const config = await updateConfig(session.home, (c) => {
    c.profiles[profileName] = profile;
    c.current ??= profileName;
  });
  const current = config.current === profileName ? ' (current)' : '';
  session.err(
    `${t.green('✓')} Saved profile ${profileName}${current} in ${configPath(session.home)}${where}; see it with \`oauthctl profile show${current ? '' : ` ${profileName}`}\`, change it with \`oauthctl profile add ${profileName} --<field> <value>\`\n`,
  );
  return { profile, settings: resolveProfile({ flags, env: session.env, saved: profile }) };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

