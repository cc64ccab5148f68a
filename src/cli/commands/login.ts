import { needsClientSecret } from '../../app/client.js';
import { defaultGrant, login, type LoginRequest } from '../../app/login.js';
import { bestSubject } from '../../app/claims.js';
import { tokenSetJson } from '../../app/token-set.js';
import { UsageError } from '../../errors.js';
import { readAll, stripOneNewline } from '../../io/io.js';
import type { TokenSet } from '../../store/types.js';
import { quoted } from '../../sanitize.js';
import { cell, isoDate, relative } from '../format.js';
import { checkGrantInputs } from '../grant-inputs.js';
import { cliInteraction } from '../interaction.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { sayStoreFallback } from '../store-fallback.js';
import { parseFromResourceOptions, profileFromResource, registerAndSave, type RegisterOptions } from '../registration.js';
import { clientSecretFromInput, parseSecretFlags, profileFromFlags, resolveSettings, type SecretFlags } from '../settings.js';
import type { Profile } from '../../config/profile.js';

const INTERACTIVE = new Set(['authorization_code', 'implicit', 'device_code']);

export interface LoginOptions {
  /** Profile fields as flags (`--grant`, `--issuer`, `--scope`, …). */
  profileFlags: Profile;
  secret: SecretFlags;
  /** `--port`: the loopback listener's port. */
  port?: number;
  /** false with `--no-browser` or `--manual`. */
  browser: boolean;
  browserCommand?: string;
  manual: boolean;
  username?: string;
  passwordStdin: boolean;
  /** `--from-resource URL` (RFC 9728): issuer, resource and base URL from the API's metadata. */
  fromResource?: string;
  /** `--register`: register a client (RFC 7591) first when no client id is known. */
  register?: RegisterOptions;
}

export function parseLoginOptions(input: CommandInput): LoginOptions {
  const opts = input.opts;
  const secret = parseSecretFlags(opts);
  const passwordStdin = opts.passwordStdin === true;
  if (secret.stdin && passwordStdin) throw new UsageError('--client-secret-stdin and --password-stdin cannot both read stdin');
  const manual = opts.manual === true;
  return {
    profileFlags: profileFromFlags(opts),
    secret,
    ...(opts.port !== undefined ? { port: parsePort(opts.port) } : {}),
    browser: opts.browser !== false && !manual,
    ...(typeof opts.browserCommand === 'string' ? { browserCommand: opts.browserCommand } : {}),
    manual,
    ...(typeof opts.username === 'string' ? { username: opts.username } : {}),
    passwordStdin,
    ...parseFromResourceOptions(opts),
  };
}

/** `oauthctl login`: obtain tokens with the profile's (or `--grant`) grant and store them. */
export async function run(opts: LoginOptions, session: Session): Promise<void> {
  const resolved = await resolveSettings(session, opts.profileFlags);
  const { profileName, saved } = resolved;
  let { settings } = resolved;
  if (opts.fromResource !== undefined) {
    // RFC 9728: the API names its authorization server; explicit flags still win.
    settings = { ...settings, ...(await profileFromResource(session, opts.fromResource)), ...opts.profileFlags };
  }
  if (opts.register && !settings.client_id) {
    // RFC 7591: no client id known, so register one and save it as this profile first.
    settings = (await registerAndSave(session, profileName, settings, opts.register)).profile;
  }
  if (!saved && !settings.issuer && !settings.token_endpoint && !settings.authorization_endpoint && !settings.client_id) {
    if (!session.io.canPrompt) {
      throw new UsageError(`no profile '${profileName}' and no server given`, {
        hint: 'give --issuer <url> (or --token-url <url>) and --client-id <id> (or OAUTHCTL_ISSUER, OAUTHCTL_CLIENT_ID), or run `oauthctl profile add`',
      });
    }
    // SPEC `login`: on a terminal, a first-run setup saves a profile and the login goes on with it.
    const { firstRunSetup } = await import('../first-run.js');
    ({ settings } = await firstRunSetup(session, profileName, opts));
  }
  const grant = defaultGrant(settings);
  const stdinTakenBy = opts.secret.stdin ? '--client-secret-stdin' : opts.passwordStdin ? '--password-stdin' : undefined;
  checkGrantInputs(grant, settings, { flags: opts.profileFlags, ...(stdinTakenBy ? { stdinTakenBy } : {}) }, session);
  const store = await session.app.store();
  const entry = (await store.get(profileName)) ?? {};
  const required = needsClientSecret(settings, grant);
  const clientSecret =
    (await clientSecretFromInput(session, opts.secret, required && !entry.client_secret ? { message: `Client secret for ${settings.client_id ?? 'the client'}` } : undefined)) ??
    entry.client_secret;
  session.app.redactor.addSecret(clientSecret);

  const req: LoginRequest = { settings, grant, profile: profileName, ...(clientSecret !== undefined ? { clientSecret } : {}) };
  if (grant === 'password') Object.assign(req, await credentials(session, opts));
  if (opts.port !== undefined) req.port = opts.port;
  if (opts.manual) req.manual = true;
  const interaction = INTERACTIVE.has(grant)
    ? await cliInteraction(session, {
        ...(opts.browser ? {} : { browser: false }),
        ...(opts.browserCommand !== undefined ? { browserCommand: opts.browserCommand } : {}),
      })
    : undefined;

  const tokens = await login(req, session.app, interaction);
  // The secret is kept with the tokens (never in config.json) so `token` can renew them later.
  await store.put(profileName, { ...entry, tokens, ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}) });
  // The one place the keychain fallback is said: this command wrote a new token set (SPEC "Token store").
  sayStoreFallback(session, store);

  if (session.json) {
    session.printJson(tokenSetJson(tokens, session.app.now()));
    return;
  }
  session.err(`${summary(tokens, profileName, session, req.username)} (stored in ${store.location})\n`);
}

/** Password grant: `--username` (or a prompt), the password from stdin, OAUTHCTL_PASSWORD or a masked prompt. */
async function credentials(session: Session, opts: LoginOptions): Promise<{ username?: string; password?: string }> {
  let username = opts.username;
  if (!username && session.io.canPrompt) username = await session.prompter.input('Username');
  let password: string | undefined;
  if (opts.passwordStdin) {
    if (session.io.stdinIsTTY) throw new UsageError('--password-stdin: stdin is a terminal, not a pipe');
    password = stripOneNewline(await readAll(session.io.stdin));
  } else if (session.env.OAUTHCTL_PASSWORD !== undefined) {
    password = session.env.OAUTHCTL_PASSWORD;
  } else if (session.io.canPrompt) {
    password = await session.prompter.secret(`Password for ${username}`);
  }
  session.app.redactor.addSecret(password);
  return { ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

function parsePort(value: unknown): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port expects a port number, got '${String(value)}'`);
  return port;
}

export const command = defineCommand(parseLoginOptions, run);

function summary(tokens: TokenSet, profile: string, session: Session, username: string | undefined): string {
  const now = Math.floor(session.app.now() / 1000);
  const who = tokens.grant === 'client_credentials' ? `client ${tokens.client_id}` : (bestSubject(tokens, username) ?? `client ${tokens.client_id}`);
  const scope = tokens.scope ? `scope ${quoted(tokens.scope)}` : 'no scope reported';
  const expiry =
    tokens.expires_at === null || tokens.expires_at === undefined
      ? 'expiry unknown'
      : `${relative(tokens.expires_at, now, { future: 'expires', past: 'expired' })} (${isoDate(tokens.expires_at)})`;
  return `${session.theme.err.green('✓')} Logged in as ${cell(who)}, profile ${profile}: ${scope}, ${expiry}`;
}
