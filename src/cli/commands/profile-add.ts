import { needsClientSecret } from '../../app/client.js';
import { loadConfig, updateConfig } from '../../config/config-file.js';
import type { StoreEntry } from '../../store/types.js';
import { assertProfileName, validateProfile, type Profile, defaultGrant } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { parseFromResourceOptions, profileFromResource, registerAndSave, type RegisterOptions } from '../registration.js';
import { refuseUnsavableSources } from '../grant-inputs.js';
import { parseAuthorizationDetails } from '../../oauth/rar.js';
import { clientSecretFromInput, parseSecretFlags, profileFromFlags, type SecretFlags } from '../settings.js';

export interface ProfileAddOptions {
  name: string;
  /** The fields given as flags, merged into the saved profile of that name. */
  profileFlags: Profile;
  secret: SecretFlags;
  /** `--from-resource URL` (RFC 9728): issuer, resource and base URL from the API's metadata. */
  fromResource?: string;
  /** `--register`: register a client (RFC 7591) when no client id is known. */
  register?: RegisterOptions;
}

export function parseProfileAddOptions(input: CommandInput): ProfileAddOptions {
  return {
    name: assertProfileName(input.args[0] ?? ''),
    profileFlags: profileFromFlags(input.opts),
    secret: parseSecretFlags(input.opts),
    ...parseFromResourceOptions(input.opts),
  };
}

/**
 * `oauthctl profile add NAME`: saves the given fields (merged into an existing profile of that
 * name). On a terminal it asks for what is missing; otherwise a missing field is exit 2.
 * A client secret goes to the token store, never to config.json.
 */
export async function run(opts: ProfileAddOptions, session: Session): Promise<void> {
  const name = opts.name;
  const existing = (await session.config()).profiles[name] ?? {};
  const fromResource = opts.fromResource !== undefined ? await profileFromResource(session, opts.fromResource) : {};
  const profile: Profile = { ...existing, ...fromResource, ...opts.profileFlags };
  if (opts.register && !profile.client_id) {
    // RFC 7591: no client id known, so register one and save it with the profile.
    const registration = await registerAndSave(session, name, profile, opts.register);
    await render(session, name, registration.profile, `Registered client ${registration.client.client_id}; saved`, registration.secrets);
    return;
  }
  await askForMissing(profile, session);
  validateProfile(profile, `profile ${name}`);
  refuseUnsavableSources(profile);
  // RFC 9396: inline JSON is checked now and saved as the array itself; @FILE stays a reference (read at each login).
  if (typeof profile.authorization_details === 'string' && !profile.authorization_details.startsWith('@')) {
    profile.authorization_details = parseAuthorizationDetails(profile.authorization_details, '--authorization-details');
  }

  const grant = defaultGrant(profile);
  const secret = await clientSecretFromInput(
    session,
    opts.secret,
    needsClientSecret(profile, grant) ? { message: `Client secret for ${profile.client_id}` } : undefined,
  );
  if (secret !== undefined) {
    const store = await session.app.store();
    const entry = (await store.get(name)) ?? {};
    await store.put(name, { ...entry, client_secret: secret });
  }
  await updateConfig(session.home, (c) => {
    c.profiles[name] = profile;
    c.current ??= name;
  });
  await render(session, name, profile, Object.keys(existing).length > 0 ? 'Updated' : 'Saved', secret !== undefined ? { client_secret: secret } : {});
}

async function render(session: Session, name: string, profile: Profile, what: string, kept: Pick<StoreEntry, 'client_secret' | 'registration'>): Promise<void> {
  const current = (await loadConfig(session.home)).current === name;
  if (session.json) {
    session.printJson({ name, current, ...profile });
    return;
  }
  const secrets = [kept.client_secret ? 'client secret' : '', kept.registration?.access_token ? 'registration access token' : ''].filter(Boolean).join(' and ');
  session.err(`${session.theme.err.green('✓')} ${what} profile ${name}${current ? ' (current)' : ''}${secrets ? `; ${secrets} kept in the token store` : ''}\n`);
}

export const command = defineCommand(parseProfileAddOptions, run);

async function askForMissing(profile: Profile, session: Session): Promise<void> {
  const missing: string[] = [];
  if (!profile.issuer && !profile.token_endpoint) missing.push('--issuer <url> (or --token-url <url>)');
  if (!profile.client_id) missing.push('--client-id <id>');
  if (missing.length === 0) return;
  if (!session.io.canPrompt) {
    throw new UsageError(`missing ${missing.join(' and ')}`, { hint: 'give them as flags (stdin is not a terminal, so oauthctl cannot ask)' });
  }
  // The same questions as `login`'s first-run setup (one implementation): issuer with discovery,
  // client id, and the grants the server supports.
  const { askClientId, askGrant, askServer } = await import('../first-run.js');
  const server = !profile.issuer && !profile.token_endpoint ? await askServer(session) : { fields: profile };
  Object.assign(profile, server.fields);
  profile.client_id ??= await askClientId(session);
  profile.grant ??= await askGrant(session, server);
}
