/**
 * Rich Authorization Requests: the `authorization_details` a client asks for, and the shape rule
 * both what the user gives and what a server answers must meet. Pure: reading an `@FILE` is the
 * caller's business; the token response check is `checkAuthorizationDetails` in
 * ./token-response.ts, on the same rule.
 *
 * @see RFC 9396 §2 (authorization details), §3 (authorization request), §6 (token request),
 *   §7 (token response)
 */
import { UsageError } from '../errors.js';
import { jsonNestsDeeperThan, MAX_SERVER_JSON_DEPTH, toJson } from '../json.js';
import type { AuthorizationDetail } from '../store/types.js';

export type { AuthorizationDetail } from '../store/types.js';

/**
 * RFC 9396 §2: a JSON array of JSON objects, each with a string `type` (non-empty: a type names
 * what the server is asked for). The first breach of the rule, worded for a message, or undefined
 * when `value` follows it. An empty array asks for nothing and is refused too.
 */
export function authorizationDetailsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `is ${describe(value)}, not a JSON array`;
  if (value.length === 0) return 'is an empty array';
  for (const [i, detail] of value.entries()) {
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return `has element ${i} that is ${describe(detail)}, not a JSON object`;
    const type = (detail as Record<string, unknown>).type;
    if (typeof type !== 'string' || type === '') return `has element ${i} without a string "type" (RFC 9396 §2)`;
  }
  return undefined;
}

/**
 * `--authorization-details JSON` / the profile field / an `@FILE`'s text: parsed and checked.
 * `what` names where it came from (the flag, the profile, the file), for the one-line error.
 *
 * @throws UsageError `invalid_authorization_details` (exit 2): not JSON, nested too deep, or not
 *   an array of objects with a `type`.
 */
export function parseAuthorizationDetails(text: string, what: string): AuthorizationDetail[] {
  if (jsonNestsDeeperThan(text, MAX_SERVER_JSON_DEPTH)) throw invalid(`${what}: nested more than ${MAX_SERVER_JSON_DEPTH} levels deep`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalid(`${what}: not valid JSON (${(err as Error).message})`);
  }
  return assertAuthorizationDetails(parsed, what);
}

/** The rule of `authorizationDetailsProblem` for a value already parsed (a profile's array). */
export function assertAuthorizationDetails(value: unknown, what: string): AuthorizationDetail[] {
  const problem = authorizationDetailsProblem(value);
  if (problem !== undefined) throw invalid(`${what} ${problem}`);
  return value as AuthorizationDetail[];
}

/** RFC 9396 §3 / §6: the parameter's value, the array as compact JSON text. */
export function authorizationDetailsParam(details: readonly AuthorizationDetail[]): string {
  return toJson(details);
}

function invalid(message: string): UsageError {
  return new UsageError(message, {
    code: 'invalid_authorization_details',
    hint: 'give a JSON array of objects that each have a "type" (inline, or in a file as @FILE)',
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
