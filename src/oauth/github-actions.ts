/**
 * The GitHub Actions OIDC ID token: a job granted `permissions: id-token: write` finds
 * `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` in its environment; a GET of
 * that URL (with `audience=` when wanted), authenticated with that bearer token, answers
 * `{ "value": "<JWT>" }`. A request function and a pure check of its answer, fetch injected.
 *
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
 */
import type { HttpClient, HttpResponse } from '../http/types.js';
import { assertSuccessStatus, describeEndpoint, protocolError, readOAuthBody, type OAuthResponseContext } from './response.js';

export const GITHUB_ACTIONS_URL_VARIABLE = 'ACTIONS_ID_TOKEN_REQUEST_URL';
export const GITHUB_ACTIONS_TOKEN_VARIABLE = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN';

export interface GitHubIdTokenRequest {
  /** The value of ACTIONS_ID_TOKEN_REQUEST_URL. */
  url: string;
  /** The value of ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  bearer: string;
  audience?: string;
}

/** Sends the request and returns the ID token (`value`). */
export async function githubActionsIdTokenRequest(http: HttpClient, p: GitHubIdTokenRequest, warn: (m: string) => void): Promise<string> {
  const url = new URL(p.url);
  if (p.audience !== undefined) url.searchParams.set('audience', p.audience);
  const res = await http.request({
    method: 'GET',
    url: url.href,
    headers: { accept: 'application/json', authorization: `bearer ${p.bearer}` },
  });
  return processGitHubIdTokenResponse(res, warn);
}

/**
 * The answer must be a 2xx JSON object whose `value` is a non-empty string.
 * @throws ProtocolError otherwise (exit 4), naming the endpoint and the status.
 */
export function processGitHubIdTokenResponse(res: HttpResponse, warn: (m: string) => void): string {
  const ctx: OAuthResponseContext = { endpoint: res.url, name: 'GitHub Actions ID token endpoint', operation: 'GitHub Actions ID token request', warn };
  const body = readOAuthBody(res, ctx);
  assertSuccessStatus(res, ctx);
  if (typeof body.value !== 'string' || body.value === '') {
    throw protocolError('github_id_token_missing_value', `${describeEndpoint(ctx)} answered without a "value" string`, {
      check: 'processGitHubIdTokenResponse',
      attribute: 'value',
    }, res, ctx);
  }
  return body.value;
}
