import { needsClientSecret } from '../../app/client.js';
import { login } from '../../app/login.js';
import { tokenSetJson } from '../../app/token-set.js';
import { UsageError } from '../../errors.js';
import type { TokenSet } from '../../store/types.js';
import { isoDate, relative } from '../format.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { clientSecretFromInput, resolveSettings } from '../settings.js';

/** `oauthctl login`: obtain tokens with the profile's (or `--grant`) grant and store them. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const { profileName, settings, saved } = await resolveSettings(session, input.opts);
  if (!saved && !settings.issuer && !settings.token_endpoint && !settings.client_id) {
    throw new UsageError(`no profile '${profileName}' and no server given`, {
      hint: 'give --issuer <url> (or --token-url <url>) and --client-id <id> (or OAUTHCTL_ISSUER, OAUTHCTL_CLIENT_ID), or run `oauthctl profile add`',
    });
  }
  const grant = settings.grant ?? (settings.authorization_endpoint || settings.issuer ? 'authorization_code' : 'client_credentials');
  const store = await session.app.store();
  const entry = (await store.get(profileName)) ?? {};
  const required = needsClientSecret(settings, grant);
  const clientSecret =
    (await clientSecretFromInput(session, input.opts, required && !entry.client_secret ? { message: `Client secret for ${settings.client_id ?? 'the client'}` } : undefined)) ??
    entry.client_secret;
  session.app.redactor.addSecret(clientSecret);

  const tokens = await login({ settings, grant, ...(clientSecret !== undefined ? { clientSecret } : {}) }, session.app);
  // The secret is kept with the tokens (never in config.json) so `token` can renew them later.
  await store.put(profileName, { ...entry, tokens, ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}) });

  if (session.json) {
    session.printJson(tokenSetJson(tokens, session.app.now()));
    return;
  }
  session.err(`${summary(tokens, profileName, session)} (stored in ${store.location})\n`);
}

function summary(tokens: TokenSet, profile: string, session: Session): string {
  const now = Math.floor(session.app.now() / 1000);
  const who = tokens.grant === 'client_credentials' ? `client ${tokens.client_id}` : 'logged in';
  const scope = tokens.scope ? `scope "${tokens.scope}"` : 'no scope reported';
  const expiry =
    tokens.expires_at === null || tokens.expires_at === undefined
      ? 'expiry unknown'
      : `${relative(tokens.expires_at, now, { future: 'expires', past: 'expired' })} (${isoDate(tokens.expires_at)})`;
  return `${session.theme.green('✓')} Token for ${who}, profile ${profile}: ${scope}, ${expiry}`;
}
