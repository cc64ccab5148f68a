/**
 * Step-up in `call`: when an API answers that the token lacks a scope (RFC 6750 §3.1
 * `insufficient_scope`) or a stronger or fresher authentication (RFC 9470
 * `insufficient_user_authentication`), and a person is there with an interactive grant, log in
 * once more asking for what the API named, store the new token set, and repeat the request once.
 * Never more: a second refusal is the caller's to report.
 */
import type { Profile } from '../config/profile.js';
import { defaultGrant } from '../config/profile.js';
import { readStepUpChallenge, type StepUpChallenge } from '../oauth/www-authenticate.js';
import type { AcquireRequest } from './acquire-token.js';
import { callApi, hasUserAuthorization, type CallResult, type CallSpec, type CallTokens } from './call-api.js';
import type { AppContext } from './context.js';
import type { Interaction } from './interaction.js';

/** Grants that can ask the user again (a browser or a device code). */
export const INTERACTIVE_GRANTS: ReadonlySet<string> = new Set(['authorization_code', 'device_code', 'implicit']);

/** What a login must ask for to satisfy the API: the scope union, or acr_values / max_age. */
export interface StepUpAsk {
  challenge: StepUpChallenge;
  /** The current scope plus the one the API named (insufficient_scope). */
  scope?: string;
  acr_values?: string;
  max_age?: string;
}

export interface StepUpOutcome {
  result: CallResult;
  /** A login was made and the request repeated. */
  steppedUp: boolean;
  /** The final answer still asks for more (set with or without a step-up). */
  unmet?: StepUpAsk;
}

/** Scopes as a set: space- or comma-separated (SPEC "Interoperability"), order kept, no repeats. */
export function unionScopes(...scopes: (string | undefined)[]): string {
  const all = scopes.flatMap((s) => (s ?? '').split(/[\s,]+/)).filter(Boolean);
  return [...new Set(all)].join(' ');
}

/**
 * What to ask for: for a scope, the union with what the token (else the profile) has; for an
 * authentication, `acr_values`/`max_age` — OpenID Connect request parameters (OIDC Core
 * §3.1.2.1), so `openid` joins the scope.
 */
export function stepUpAsk(challenge: StepUpChallenge, currentScope: string | undefined): StepUpAsk {
  if (challenge.error === 'insufficient_scope') return { challenge, scope: unionScopes(currentScope, challenge.scope) };
  return {
    challenge,
    scope: unionScopes(currentScope, 'openid'),
    ...(challenge.acr_values ? { acr_values: challenge.acr_values } : {}),
    ...(challenge.max_age !== undefined ? { max_age: challenge.max_age } : {}),
  };
}

/** The settings of the step-up login: the profile's, with the scope or acr_values/max_age asked for. */
export function stepUpSettings(settings: Profile, ask: StepUpAsk): Profile {
  const out: Profile = { ...settings, ...(ask.scope !== undefined ? { scope: ask.scope } : {}) };
  if (ask.acr_values || ask.max_age !== undefined) {
    out.params = { ...settings.params };
    if (ask.acr_values) out.params.acr_values = ask.acr_values;
    if (ask.max_age !== undefined) out.params.max_age = ask.max_age;
  }
  return out;
}

export interface StepUpPorts {
  /** Present when a person can log in (a terminal); the step-up needs it and an interactive grant. Built only when used. */
  interaction?: () => Promise<Interaction>;
  /** The client secret for this run (flag, stdin, env); the stored one is the fallback. */
  clientSecret?: string;
  /** The login use case (tests substitute it). */
  login?: typeof import('./login.js').login;
}

/**
 * `callApi`, then, on a step-up challenge, at most one interactive login and one repeat.
 * @see RFC 6750 §3.1, RFC 9470 §3–§5
 */
export async function callWithStepUp(
  spec: CallSpec,
  acquire: AcquireRequest,
  ctx: AppContext,
  ports: StepUpPorts,
  tokens?: CallTokens,
): Promise<StepUpOutcome> {
  const result = await callApi(spec, acquire, ctx, tokens);
  const challenge = readStepUpChallenge(result.response.status, result.response.headers.get('www-authenticate'));
  if (!challenge || hasUserAuthorization(spec)) return { result, steppedUp: false };
  const store = await ctx.store();
  const entry = await store.get(acquire.profile);
  const ask = stepUpAsk(challenge, entry?.tokens?.scope ?? acquire.settings.scope);
  const grant = defaultGrant(acquire.settings);
  if (!ports.interaction || !INTERACTIVE_GRANTS.has(grant)) return { result, steppedUp: false, unmet: ask };

  await result.response.body?.cancel().catch(() => {});
  ctx.note(`${spec.method} ${result.displayUrl} answered ${challenge.status} ${challenge.error}: logging in once more and repeating the request`);
  const login = ports.login ?? (await import('./login.js')).login;
  const clientSecret = acquire.clientSecret ?? ports.clientSecret ?? entry?.client_secret;
  const settings = stepUpSettings(acquire.settings, ask);
  const io = await ports.interaction();
  io.tell(`${spec.method} ${result.displayUrl} asks for ${describeAsk(ask)}: logging in once more`);
  const fresh = await login({ settings, grant, ...(clientSecret !== undefined ? { clientSecret } : {}) }, ctx, io);
  await store.put(acquire.profile, { ...((await store.get(acquire.profile)) ?? {}), tokens: fresh });

  const repeated = await callApi(spec, acquire, ctx, tokens);
  const again = readStepUpChallenge(repeated.response.status, repeated.response.headers.get('www-authenticate'));
  return { result: repeated, steppedUp: true, ...(again ? { unmet: stepUpAsk(again, fresh.scope) } : {}) };
}

/** `the scope a b`, `acr_values x and max_age 0`: what the API asked for, in words. */
export function describeAsk(ask: StepUpAsk): string {
  const c = ask.challenge;
  if (c.error === 'insufficient_scope') return `the scope ${c.scope}`;
  return [c.acr_values ? `acr_values ${c.acr_values}` : '', c.max_age !== undefined ? `max_age ${c.max_age}` : ''].filter(Boolean).join(' and ');
}
