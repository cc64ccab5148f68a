/**
 * Narrower tokens per call (SPEC "Using tokens elsewhere"): `token`, `call` and `exec` with
 * `--scope`, `--audience` or `--resource` use a token obtained for exactly those values — through
 * the profile's refresh token (RFC 6749 §6 with `scope`; RFC 8707 §2.2 with `resource`; `audience`
 * as RFC 8693 names it) or, for a client-credentials profile, a new grant (RFC 6749 §4.4).
 *
 * Such a token is cached in the profile's store entry beside its own set (`narrow`), keyed by those
 * values, and renewed like it. A token obtained for other values is never returned, the profile's
 * own set is never replaced by a narrower one, and a refresh token rotated by a narrowing refresh
 * replaces the profile's (the old one is spent).
 */
import { LoginRequiredError, OAuthError } from '../errors.js';
import type { NarrowTokenSet, StoreEntry, TokenSet, TokenTarget } from '../store/types.js';
import { isPlainObject } from '../store/entry.js';
import { withTokenSetDefaults, type AcquireRequest } from './acquire-token.js';
import type { AppContext } from './context.js';
import { sameTarget } from './token-target.js';
import { needsRenewal } from './token-set.js';

export { sameTarget, tokenTarget } from './token-target.js';

/** At most this many narrower tokens per profile; the least recently obtained goes first. */
export const MAX_NARROW_TOKENS = 16;

export interface NarrowRequest extends AcquireRequest {
  target: TokenTarget;
}

/** The token request parameters for `target`: only the values given. */
export function targetParams(target: TokenTarget): Record<string, string | readonly string[] | undefined> {
  return {
    scope: target.scope.length > 0 ? target.scope.join(' ') : undefined,
    audience: target.audience,
    resource: target.resource,
  };
}

/** The cached token for exactly `target`; a malformed cache entry is ignored, never used. */
export function findNarrow(entry: StoreEntry | undefined, target: TokenTarget): TokenSet | undefined {
  const list = Array.isArray(entry?.narrow) ? entry.narrow : [];
  return list.find((n) => isNarrowTokenSet(n) && sameTarget(n.target, target))?.tokens;
}

function isNarrowTokenSet(value: unknown): value is NarrowTokenSet {
  if (!isPlainObject(value) || !isPlainObject(value.target) || !isPlainObject(value.tokens)) return false;
  const t = value.target;
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return strings(t.scope) && strings(t.audience) && strings(t.resource) && typeof value.tokens.access_token === 'string';
}

/** The cached narrower token when fresh enough, else a renewed one. Never interactive. */
export async function acquireNarrowToken(req: NarrowRequest, ctx: AppContext): Promise<TokenSet> {
  const cached = findNarrow(await (await ctx.store()).get(req.profile), req.target);
  if (cached && !needsRenewal(cached, ctx.now(), req.minTtl)) return cached;
  return renewNarrowToken(req, ctx);
}

/**
 * Under the profile's lock (single-flight, SPEC "Token store"): re-reads the entry, uses a token
 * another process obtained meanwhile, else obtains one for `target` and saves it beside the
 * profile's set. `rejected`: an access token an API just refused (401).
 */
export async function renewNarrowToken(req: NarrowRequest & { rejected?: string }, ctx: AppContext): Promise<TokenSet> {
  return ctx.withProfileLock(req.profile, async () => {
    const store = await ctx.store();
    const entry: StoreEntry = (await store.get(req.profile)) ?? {};
    const cached = findNarrow(entry, req.target);
    if (cached) {
      const renewedElsewhere = req.rejected !== undefined && cached.access_token !== req.rejected;
      if (renewedElsewhere || (req.rejected === undefined && !needsRenewal(cached, ctx.now(), req.minTtl))) return cached;
    }
    const main = entry.tokens;
    const settings = withTokenSetDefaults(req.settings, main);
    const clientSecret = req.clientSecret ?? entry.client_secret;
    ctx.redactor.addSecret(clientSecret);
    let next: StoreEntry = entry;
    let tokens: TokenSet;
    if (main?.refresh_token) {
      ctx.note(`refreshing for a narrower token (${describeTarget(req.target)})`);
      const { refreshTokenGrant } = await import('./renew-token.js');
      let answer: TokenSet;
      try {
        answer = await refreshTokenGrant(main, settings, clientSecret, targetParams(req.target), ctx);
      } catch (err) {
        if (err instanceof OAuthError && err.error === 'invalid_grant') {
          const { tokens: _dead, narrow: _narrow, ...rest } = entry;
          await store.put(req.profile, rest);
          throw new LoginRequiredError(`the refresh token of profile '${req.profile}' is no longer valid (invalid_grant); the stored tokens were removed`);
        }
        throw err;
      }
      const { refresh_token: rotated, id_token: _id, ...narrow } = answer;
      // RFC 6749 §5.1: a scope left out of the answer is the one requested.
      narrow.scope ??= req.target.scope.length > 0 ? req.target.scope.join(' ') : main.scope;
      tokens = narrow;
      if (rotated && rotated !== main.refresh_token) next = { ...entry, tokens: { ...main, refresh_token: rotated } };
    } else if ((settings.grant ?? main?.grant) === 'client_credentials') {
      ctx.note(`requesting a client_credentials token for ${describeTarget(req.target)}`);
      const { login } = await import('./login.js');
      const { refresh_token: _rt, id_token: _id, ...narrow } = await login(
        { settings, grant: 'client_credentials', target: req.target, ...(clientSecret !== undefined ? { clientSecret } : {}) },
        ctx,
      );
      tokens = narrow;
    } else {
      throw new LoginRequiredError(
        main
          ? `profile '${req.profile}' has no refresh token to obtain a narrower token (${describeTarget(req.target)}) with`
          : `no token stored for profile '${req.profile}'`,
      );
    }
    const others = (Array.isArray(entry.narrow) ? entry.narrow : []).filter((n) => !isNarrowTokenSet(n) || !sameTarget(n.target, req.target));
    await store.put(req.profile, {
      ...next,
      narrow: [{ target: req.target, tokens }, ...others].slice(0, MAX_NARROW_TOKENS),
      ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}),
    });
    return tokens;
  });
}

/** `scope "a b", resource https://api` — for notes and errors (no secret in it). */
export function describeTarget(target: TokenTarget): string {
  const parts: string[] = [];
  if (target.scope.length > 0) parts.push(`scope "${target.scope.join(' ')}"`);
  if (target.audience.length > 0) parts.push(`audience ${target.audience.join(', ')}`);
  if (target.resource.length > 0) parts.push(`resource ${target.resource.join(', ')}`);
  return parts.join(', ');
}

/** `call` with a narrower token: the acquire/renew pair `callApi` uses, for `target`. */
export function narrowTokens(target: TokenTarget): {
  acquire: (req: AcquireRequest, ctx: AppContext) => Promise<TokenSet>;
  renew: (req: AcquireRequest & { rejected?: string }, ctx: AppContext) => Promise<TokenSet>;
} {
  return {
    acquire: (req, ctx) => acquireNarrowToken({ ...req, target }, ctx),
    renew: (req, ctx) => renewNarrowToken({ ...req, target }, ctx),
  };
}
