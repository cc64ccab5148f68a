/**
 * `--authorization-details JSON|@FILE` (profile field `authorization_details`), resolved once per
 * grant, before any request: an array from config.json, JSON text, or a file read now (so an
 * edited file applies to the next login or renewal).
 *
 * @see RFC 9396 §2
 */
import { UsageError } from '../errors.js';
import { assertAuthorizationDetails, parseAuthorizationDetails, type AuthorizationDetail } from '../oauth/rar.js';
import type { AppContext } from './context.js';

const FLAG = '--authorization-details';

/** The grants that send authorization details: the authorization request (RFC 9396 §3) and token requests (§6). */
export const RAR_GRANTS: ReadonlySet<string> = new Set(['authorization_code', 'implicit', 'client_credentials', 'token_exchange']);

/**
 * The details to send, or undefined when none are configured.
 *
 * @throws UsageError `invalid_authorization_details` (exit 2) naming the flag or the file: not
 *   JSON, not an array of objects with a `type`, or a file that cannot be read.
 */
export async function resolveAuthorizationDetails(value: string | readonly unknown[] | undefined, ctx: AppContext): Promise<AuthorizationDetail[] | undefined> {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return assertAuthorizationDetails(value, 'authorization_details');
  if (!value.startsWith('@')) return parseAuthorizationDetails(value, FLAG);
  const path = value.slice(1);
  if (path === '') throw new UsageError(`${FLAG}: '@' needs a file name`, { code: 'invalid_authorization_details' });
  if (!ctx.sources) throw new Error('files are not wired into this AppContext');
  let text: string;
  try {
    text = await ctx.sources.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`${FLAG}: cannot read ${path}: ${code}`, { code: 'invalid_authorization_details' });
  }
  return parseAuthorizationDetails(text, `${FLAG} @${path}`);
}
