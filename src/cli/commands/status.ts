import { checkStatus, offlineStatus, USABLE_STATES, type ProfileStatus, type StatusInput } from '../../app/status.js';
import { resolveProfile } from '../../config/profile.js';
import { isoDate, relative } from '../format.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { clientSecretFromInput, parseTokenCommandOptions, resolveSettings, type TokenCommandOptions } from '../settings.js';

export const EXIT_NOT_USABLE = 5;

export interface StatusOptions extends Omit<TokenCommandOptions, 'minTtl'> {
  all: boolean;
  check: boolean;
}

export function parseStatusOptions(input: CommandInput): StatusOptions {
  const { profileFlags, secret } = parseTokenCommandOptions(input.opts);
  return { profileFlags, secret, all: input.opts.all === true, check: input.opts.check === true };
}

/**
 * `oauthctl status [--all] [--check]`: whether each profile can produce a token without the user
 * (SPEC "Using tokens elsewhere"). Offline unless `--check`. Exit 0 when every profile shown is
 * valid, expiring or renewable; 5 otherwise.
 */
export async function run(options: StatusOptions, session: Session): Promise<number> {
  const store = await session.app.store();
  const clientSecret = await clientSecretFromInput(session, options.secret);
  const inputs: StatusInput[] = [];
  if (options.all) {
    const config = await session.config();
    const current = await session.profileName();
    const names = Object.keys(config.profiles).sort();
    if (!names.includes(current)) names.push(current);
    for (const name of names) {
      inputs.push({ profile: name, settings: resolveProfile({ flags: {}, env: session.env, saved: config.profiles[name] }), secretGiven: clientSecret !== undefined });
    }
  } else {
    const { profileName, settings } = await resolveSettings(session, options.profileFlags);
    inputs.push({ profile: profileName, settings, secretGiven: clientSecret !== undefined });
  }
  const results: ProfileStatus[] = [];
  for (const one of inputs) {
    const entry = await store.get(one.profile);
    let status = offlineStatus(one, entry, store.kind, session.app.now());
    if (options.check) status = await checkStatus(status, { ...one, ...(clientSecret !== undefined ? { clientSecret } : {}) }, entry, session.app);
    results.push(status);
  }
  if (session.json) session.printJson({ profiles: results.map(statusJson) });
  else session.out(results.map((r) => statusLine(r, session)).join(''));
  return results.every((r) => USABLE_STATES.includes(r.state)) ? 0 : EXIT_NOT_USABLE;
}

function statusJson(r: ProfileStatus): Record<string, unknown> {
  return {
    profile: r.profile,
    state: r.state,
    expires_at: r.expiresAt === null ? null : isoDate(r.expiresAt),
    expires_in: r.expiresIn,
    subject: r.subject,
    scope: r.scope,
    refreshable: r.refreshable,
    store: r.store,
  };
}

const STATE_COLOUR: Record<ProfileStatus['state'], 'green' | 'yellow' | 'red'> = {
  valid: 'green',
  expiring: 'yellow',
  renewable: 'yellow',
  expired: 'red',
  login_required: 'red',
  revoked: 'red',
};

/** `default  valid  expires in 59m · alice · scope "openid" · refresh token held`. */
function statusLine(r: ProfileStatus, session: Session): string {
  const t = session.theme.out;
  const now = Math.floor(session.app.now() / 1000);
  const details: string[] = [];
  if (r.expiresAt !== null) details.push(relative(r.expiresAt, now, { future: 'expires', past: 'expired' }));
  else if (r.state !== 'login_required' && r.expiresIn === null && r.scope !== null) details.push('expiry unknown');
  if (r.subject !== null) details.push(`subject ${r.subject}`);
  if (r.scope !== null) details.push(`scope "${r.scope}"`);
  if (r.refreshable) details.push('refresh token held');
  const state = t[STATE_COLOUR[r.state]](r.state.replace('_', ' '));
  return `${t.bold(r.profile)}: ${state}${details.length > 0 ? ` (${details.join(', ')})` : ''}\n`;
}

export const command = defineCommand(parseStatusOptions, run);
