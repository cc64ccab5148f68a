import { redactRegistration } from '../../app/register.js';
import { UsageError } from '../../errors.js';
import type { Profile } from '../../config/profile.js';
import { defineCommand, type CommandInput } from '../command.js';
import { fieldTable } from '../format.js';
import { parseRegisterOptions, registerAndSave, type RegisterOptions } from '../registration.js';
import type { Session } from '../session.js';
import { profileFromFlags } from '../settings.js';

export interface RegisterCommandOptions extends RegisterOptions {
  /** `--issuer`, `--resource`, `--base-url`, `--no-discovery`: kept in the new profile. */
  profileFlags: Profile;
}

export function parseRegisterCommandOptions(input: CommandInput): RegisterCommandOptions {
  const { issuer, resource, api_base_url, discovery } = profileFromFlags(input.opts);
  const options = parseRegisterOptions(input.opts);
  if (!issuer && !options.registrationUrl) {
    throw new UsageError('no server given', { hint: 'give --issuer <url> (its metadata names the registration endpoint), or --registration-url <url>' });
  }
  const profileFlags: Profile = {
    ...(issuer ? { issuer } : {}),
    ...(resource ? { resource } : {}),
    ...(api_base_url ? { api_base_url } : {}),
    ...(discovery === false ? { discovery } : {}),
  };
  return { ...options, profileFlags };
}

/**
 * `oauthctl register -p NAME`: registers a client (RFC 7591) and saves it as profile NAME. The
 * answer goes to stdout (`-o json`: as the server sent it, secrets redacted unless `--reveal`);
 * the secrets themselves go to the token store.
 */
export async function run(options: RegisterCommandOptions, session: Session): Promise<void> {
  const name = await session.profileName();
  if ((await session.config()).profiles[name]) {
    throw new UsageError(`profile '${name}' already exists`, { code: 'profile_exists' });
  }
  const { client, secrets } = await registerAndSave(session, name, options.profileFlags, options);
  if (session.json) {
    session.printJson(redactRegistration(client, options.reveal));
    return;
  }
  const fields = ['client_id', 'client_name', 'token_endpoint_auth_method', 'grant_types', 'redirect_uris', 'scope', 'client_secret', 'registration_access_token'];
  session.out(fieldTable(redactRegistration(client, options.reveal), fields, session.theme.out));
  const stored = [secrets.client_secret ? 'client secret' : '', secrets.registration?.access_token ? 'registration access token' : ''].filter(Boolean);
  session.err(
    `${session.theme.err.green('✓')} Registered client ${client.client_id}; saved profile ${name}` +
      `${stored.length ? ` (${stored.join(' and ')} kept in the token store)` : ''}\n`,
  );
}

export const command = defineCommand(parseRegisterCommandOptions, run);
