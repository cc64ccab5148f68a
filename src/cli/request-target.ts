/**
 * The request a command is about (`call METHOD URL|/PATH`, `token proof METHOD URL|/PATH`): its
 * method, its URL under the profile's API base URL, and the one origin the token may go to. Small
 * on purpose: `token proof` reads it without `call`'s request machinery.
 */
import { UsageError } from '../errors.js';
import { safeUrl } from '../http/safe-url.js';

/** `get` → `GET`; a method must be letters (RFC 9110 §9.1 allows more, no real API uses it). */
export function parseMethod(method: string): string {
  if (!/^[A-Za-z]+$/.test(method)) throw new UsageError(`'${method}' is not an HTTP method`, { hint: 'e.g. GET, POST, PUT, PATCH, DELETE' });
  return method.toUpperCase();
}

/**
 * An absolute http(s) URL is used as is; `/PATH` (with its own query) is appended to the base
 * URL, keeping the base's path: `https://api/v1` + `/people` = `https://api/v1/people`.
 */
export function resolveCallUrl(target: string, baseUrl: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`not a valid URL: ${safeUrl(target)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`call needs an http(s) URL, not ${url.protocol}`);
    return url.toString();
  }
  if (!target.startsWith('/')) {
    throw new UsageError(`'${safeUrl(target)}' is neither a URL nor a /PATH`, { hint: 'give https://host/path, or /path under --base-url' });
  }
  if (!baseUrl) {
    throw new UsageError(`no API base URL for ${target.replace(/[?#].*$/, '')}`, {
      hint: 'give --base-url https://api.example.com (or OAUTHCTL_API_BASE_URL, or the profile\'s api_base_url), or a full URL',
    });
  }
  const url = parseBaseUrl(baseUrl);
  const cut = target.search(/[?#]/);
  const path = cut === -1 ? target : target.slice(0, cut);
  const rest = cut === -1 ? '' : target.slice(cut);
  const hashAt = rest.indexOf('#');
  const query = hashAt === -1 ? rest : rest.slice(0, hashAt);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  // The path's query is kept as typed (re-encoding it could change what the API reads).
  if (query.length > 1) url.search = url.search ? `${url.search}&${query.slice(1)}` : query;
  url.hash = '';
  return url.toString();
}

/**
 * SPEC "Safety": the only origin a profile's token may go to — its API base URL's — unless
 * `--any-origin`; without a base URL, any (an absolute URL is used as given).
 */
export function tokenOrigin(baseUrl: string | undefined, anyOrigin: boolean): string | undefined {
  if (anyOrigin || !baseUrl) return undefined;
  return parseBaseUrl(baseUrl).origin;
}

function parseBaseUrl(baseUrl: string): URL {
  try {
    return new URL(baseUrl);
  } catch {
    throw new UsageError(`the API base URL is not a valid URL: ${safeUrl(baseUrl)}`);
  }
}
