import { acquireToken } from '../../app/acquire-token.js';
import { isLoopbackHost } from '../../http/loopback.js';
import { LoginRequiredError } from '../../errors.js';
import { readAll } from '../../io/io.js';
import { isCredentialValue, parseCredentialAttributes, renderCredential } from '../git-credential-protocol.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, resolveSettings, type TokenCommandOptions } from '../settings.js';
import { defaultGrant } from '../../config/profile.js';

export const DEFAULT_GIT_USERNAME = 'oauth2';

export interface GitCredentialOptions extends TokenCommandOptions {
  action: 'get' | 'store' | 'erase' | 'unknown';
  username: string;
}

export function parseGitCredentialOptions(input: CommandInput): GitCredentialOptions {
  const [word] = input.args;
  const action = word === 'get' || word === 'store' || word === 'erase' ? word : 'unknown';
  const username = typeof input.opts.username === 'string' && input.opts.username !== '' ? input.opts.username : DEFAULT_GIT_USERNAME;
  return { ...parseTokenCommandOptions(input.opts), action, username };
}

/**
 * `oauthctl git-credential get|store|erase`, a git credential helper (gitcredentials(7)).
 * `get` answers the profile's valid access token as the password; when none can be had without
 * the user it answers nothing (git goes on to its next helper or its prompt), unless a terminal
 * is attached and `GIT_TERMINAL_PROMPT` is not `0`: then it runs the profile's interactive login. `erase` with the
 * password git used marks that token rejected, so the next `get` renews it. `store`, an unknown
 * action and input that is not git's format: no output, exit 0, nothing changed.
 */
export async function run(options: GitCredentialOptions, session: Session): Promise<void> {
  if (options.action === 'unknown' || options.action === 'store') return;
  const text = session.io.readStdinSync?.() ?? (await readAll(session.io.stdin));
  const attributes = parseCredentialAttributes(text);
  if (!attributes) return;
  const profile = await session.profileName();

  if (options.action === 'erase') {
    const password = attributes.get('password');
    if (password === undefined || password === '') return;
    const { rejectAccessToken } = await import('../../app/reject-token.js');
    if (await rejectAccessToken(profile, password, session.app)) session.app.note('marked the access token rejected: the next `get` renews it');
    return;
  }

  // A token is a password git would send in clear text to any host over plain http.
  const protocol = attributes.get('protocol');
  const host = (attributes.get('host') ?? '').replace(/:\d+$/, '');
  if (protocol === 'http' && !isLoopbackHost(host) && !session.app.insecure) {
    session.app.warn(`not handing the token to http://${host}: plain http is only allowed to loopback hosts (or with --insecure)`);
    return;
  }
  let tokens;
  try {
    tokens = await acquireToken(await acquireRequestFrom(session, options), session.app);
  } catch (err) {
    if (!(err instanceof LoginRequiredError)) throw err;
    // A person at a terminal (git's stdin and stdout are pipes, its stderr the terminal) may log in.
    if (!session.io.stderrIsTTY || session.env.GIT_TERMINAL_PROMPT === '0') return;
    if (!(await loginAtTerminal(session, options, profile, err))) return;
    tokens = await acquireToken(await acquireRequestFrom(session, options), session.app);
  }
  if (!isCredentialValue(tokens.access_token) || !isCredentialValue(options.username)) {
    session.app.warn('the access token (or --username) holds a line break: not handing it to git');
    return;
  }
  session.out(renderCredential(options.username, tokens.access_token, typeof tokens.expires_at === 'number' ? tokens.expires_at : null));
}

/**
 * The profile's interactive login (browser or device code), everything said on the terminal
 * (stderr), nothing on stdout. False when the profile's grant needs no person, or is not
 * interactive: then the user is told what to run.
 */
async function loginAtTerminal(session: Session, options: GitCredentialOptions, profile: string, why: LoginRequiredError): Promise<boolean> {
  const { settings } = await resolveSettings(session, options.profileFlags);
  const grant = defaultGrant(settings);
  const { INTERACTIVE_GRANTS } = await import('../../app/step-up.js');
  if (!INTERACTIVE_GRANTS.has(grant) || (!settings.issuer && !settings.authorization_endpoint && !settings.device_authorization_endpoint)) {
    session.err(`oauthctl: ${why.message}\nhint: run \`oauthctl login -p ${profile}\`, then repeat the git command\n`);
    return false;
  }
  session.err(`oauthctl: ${why.message}: logging in (${grant.replace('_', ' ')}) for git\n`);
  const login = await import('./login.js');
  await login.run({ profileFlags: options.profileFlags, secret: options.secret, browser: true, manual: false, passwordStdin: false }, session);
  return true;
}

export const command = defineCommand(parseGitCredentialOptions, run);
