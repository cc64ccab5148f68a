import type { StoreEntry, TokenSet } from '../store/types.js';
import type { AppContext } from './context.js';

/**
 * A tool was told `token` is not valid (git's `credential reject` → `git-credential erase`): when
 * it is one of the profile's access tokens (its own or a narrower one), mark it rejected so the
 * next use renews it. The refresh token is kept; anything else is left as it was. True when a
 * token was marked.
 */
export async function rejectAccessToken(profile: string, token: string, ctx: AppContext): Promise<boolean> {
  if (!token) return false;
  return ctx.withProfileLock(profile, async () => {
    const store = await ctx.store();
    const entry = await store.get(profile);
    if (!entry) return false;
    const mark = (set: TokenSet | undefined): TokenSet | undefined => (set && set.access_token === token ? { ...set, rejected: true } : set);
    let changed = false;
    const next: StoreEntry = { ...entry };
    const tokens = mark(entry.tokens);
    if (tokens !== entry.tokens && tokens) {
      next.tokens = tokens;
      changed = true;
    }
    if (Array.isArray(entry.narrow)) {
      next.narrow = entry.narrow.map((n) => {
        const marked = mark(n?.tokens);
        if (marked === n?.tokens || !marked) return n;
        changed = true;
        return { ...n, tokens: marked };
      });
    }
    if (changed) await store.put(profile, next);
    return changed;
  });
}
