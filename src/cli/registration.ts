/**
 * What `register`, `profile add --register` and `login --register` share: the registration flags
 * turned into typed choices, the registration itself, and saving what came back — the profile to
 * config.json, the client secret and the registration access token to the token store.
 */
import { readFile } from 'node:fs/promises';
import { clientMetadata, registerClient, type ClientMetadataChoices, type Registration } from '../app/register.js';
import { parseTokenSource, readTokenSource, type TokenSource } from '../app/token-sources.js';
import { updateConfig } from '../config/config-file.js';
import { assertUrl, GRANTS, type Profile } from '../config/profile.js';
import { OAuthError, UsageError } from '../errors.js';
import type { Session } from './session.js';
import { sayStoreFallback } from './store-fallback.js';

export interface RegisterOptions {
  /** What to register, except `--metadata @FILE`, which is read when the registration runs. */
  choices: ClientMetadataChoices;
  /** `--metadata @FILE`. */
  metadataFile?: string;
  registrationUrl?: string;
  /** `--initial-access-token SRC`, unread. */
  initialAccessToken?: TokenSource;
  reveal: boolean;
}

const EXTRA_GRANTS = ['token_exchange', 'jwt_bearer'];

/** Flags → typed registration options (pure); every mistake is exit 2 before any request. */
export function parseRegisterOptions(opts: Readonly<Record<string, unknown>>): RegisterOptions {
  const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : []);
  const redirectUris = list(opts.redirectUri);
  for (const uri of redirectUris) assertUrl(uri, '--redirect-uri');
  const grants = list(opts.grant);
  for (const grant of grants) {
    if (![...GRANTS, ...EXTRA_GRANTS].includes(grant) && !/^urn:/.test(grant)) {
      throw new UsageError(`--grant: unknown grant '${grant}'`, { hint: `use ${[...GRANTS.filter((g) => g !== 'implicit'), ...EXTRA_GRANTS].join(', ')}, or a grant type URN` });
    }
  }
  const metadata = typeof opts.metadata === 'string' ? opts.metadata : undefined;
  const metadataFile = metadata?.startsWith('@') ? metadata.slice(1) : undefined;
  if (metadataFile === '') throw new UsageError("--metadata: '@' needs a file name");
  const choices: ClientMetadataChoices = {
    ...(redirectUris.length ? { redirectUris } : {}),
    ...(grants.length ? { grants } : {}),
    ...(typeof opts.clientAuth === 'string' ? { clientAuth: opts.clientAuth } : {}),
    ...(typeof opts.scope === 'string' ? { scope: opts.scope } : {}),
    ...(typeof opts.clientName === 'string' ? { clientName: opts.clientName } : {}),
    ...(metadata !== undefined && metadataFile === undefined ? { extra: parseMetadata(metadata) } : {}),
  };
  const registrationUrl = typeof opts.registrationUrl === 'string' ? assertUrl(opts.registrationUrl, '--registration-url').href : undefined;
  return {
    choices,
    ...(metadataFile !== undefined ? { metadataFile } : {}),
    ...(registrationUrl ? { registrationUrl } : {}),
    ...(typeof opts.initialAccessToken === 'string' ? { initialAccessToken: parseTokenSource(opts.initialAccessToken, '--initial-access-token') } : {}),
    reveal: opts.reveal === true,
  };
}

/** `--metadata`: a JSON object of client metadata (RFC 7591 §2). */
function parseMetadata(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--metadata: not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--metadata must be a JSON object of client metadata');
  return Object.fromEntries(Object.entries(parsed));
}

async function readMetadataFile(path: string): Promise<Record<string, unknown>> {
  try {
    return parseMetadata(await readFile(path, 'utf8'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--metadata: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Registers, then saves: the secrets to the token store first (so a saved profile never lacks
 * them), then the profile NAME to config.json (made current when there is none).
 */
export async function registerAndSave(session: Session, name: string, settings: Profile, options: RegisterOptions): Promise<Registration> {
  let initialAccessToken: string | undefined;
  if (options.initialAccessToken !== undefined) {
    initialAccessToken = await readTokenSource(options.initialAccessToken, { role: 'initial access token' }, session.app);
  }
  const choices = options.metadataFile !== undefined ? { ...options.choices, extra: await readMetadataFile(options.metadataFile) } : options.choices;
  let registration: Registration;
  try {
    registration = await registerClient(
      {
        settings,
        metadata: clientMetadata(choices),
        ...(options.registrationUrl ? { registrationEndpoint: options.registrationUrl } : {}),
        ...(initialAccessToken !== undefined ? { initialAccessToken } : {}),
      },
      session.app,
    );
  } catch (err) {
    if (err instanceof OAuthError && (err.status === 401 || err.status === 403) && initialAccessToken === undefined) {
      throw err.retold(err.message, 'this server may want an initial access token: --initial-access-token SRC');
    }
    throw err;
  }
  const store = await session.app.store();
  if (Object.keys(registration.secrets).length > 0) {
    if (store.kind === 'none') {
      session.app.warn('--token-store none: the client secret and registration access token the server sent are not kept');
    } else {
      const entry = (await store.get(name)) ?? {};
      await store.put(name, { ...entry, ...registration.secrets });
      sayStoreFallback(session, store);
    }
  }
  await updateConfig(session.home, (c) => {
    c.profiles[name] = registration.profile;
    c.current ??= name;
  });
  return registration;
}

/** `--from-resource URL` and `--register` (with the registration flags) of `profile add` and `login`. */
export function parseFromResourceOptions(opts: Readonly<Record<string, unknown>>): { fromResource?: string; register?: RegisterOptions } {
  const fromResource = typeof opts.fromResource === 'string' ? assertUrl(opts.fromResource, '--from-resource') && opts.fromResource : undefined;
  return {
    ...(fromResource !== undefined ? { fromResource } : {}),
    ...(opts.register === true ? { register: parseRegisterOptions(opts) } : {}),
  };
}

/**
 * `--from-resource URL` (RFC 9728): the profile fields the API's metadata gives (issuer,
 * resource, API base URL), said on stderr so the user sees where they came from.
 */
export async function profileFromResource(session: Session, url: string): Promise<Profile> {
  const { findResourceMetadata, profileFromResourceMetadata } = await import('../app/resource.js');
  const found = await findResourceMetadata(url, session.app);
  const fields = profileFromResourceMetadata(found, url);
  session.app.note(`protected resource metadata from ${found.url}: issuer ${fields.issuer}`);
  return fields;
}
