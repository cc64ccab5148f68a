/**
 * How the authorization request reaches the server: in the browser's URL (RFC 6749 §4.1.1),
 * pushed first (PAR, RFC 9126), as a signed request object (JAR, RFC 9101), or both (RFC 9126 §3).
 * PAR when the profile says `par` or the metadata `require_pushed_authorization_requests`; JAR when
 * it says `request_object` or the metadata `require_signed_request_object`. The PAR and JAR
 * modules load only when used.
 */
import type { Profile } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { frontChannelUrl, type AuthorizationParams } from '../../oauth/authorize.js';
import type { ClientCredentials } from '../../oauth/client-auth.js';
import type { AuthServer } from '../../oauth/pipeline.js';
import type { RequestObjectKey } from '../../oauth/request-object.js';
import { loadPrivateKeyFile } from '../client.js';
import type { AppContext } from '../context.js';

/** Turns the authorization request's parameters into the URL the browser is sent to. */
export type AuthorizationRequestSender = (params: AuthorizationParams) => Promise<string>;

/**
 * RFC 9101 §4: a request object is signed with the client's private key or, without one, its
 * secret (HS256). Checked before any request when the login asks for one.
 * @throws UsageError `missing_request_object_key`.
 */
export function assertRequestObjectSignable(settings: Profile, clientSecret: string | undefined): void {
  if (settings.private_key || clientSecret) return;
  throw new UsageError(`a signed request object (RFC 9101) needs the client's private key or its secret, and client ${settings.client_id ?? ''} has neither`, {
    code: 'missing_request_object_key',
    attribute: 'private_key',
  });
}

/** The sender for this server and client: plain, pushed, signed, or pushed and signed. */
export async function authorizationRequestSender(
  settings: Profile,
  clientSecret: string | undefined,
  as: AuthServer & { client: ClientCredentials },
  ctx: AppContext,
): Promise<AuthorizationRequestSender> {
  const { endpoints, client } = as;
  const endpoint = endpoints.authorization_endpoint as string;
  const par = settings.par === true || endpoints.require_pushed_authorization_requests === true;
  const jar = settings.request_object === true || endpoints.require_signed_request_object === true;
  if (par && settings.par !== true) ctx.note('the server requires pushed authorization requests (RFC 9126); pushing this one');
  if (jar && settings.request_object !== true) ctx.note('the server requires signed request objects (RFC 9101); signing this one');
  if (!par && !jar) return async (params) => frontChannelUrl(endpoint, params);

  const sign = jar ? await requestObjectSigner(settings, clientSecret, as, ctx) : undefined;
  const push = par ? (await import('../../oauth/par.js')).pushedAuthorizationRequest : undefined;
  return async (params) => {
    const request = sign ? await sign(params) : undefined;
    if (!push) return frontChannelUrl(endpoint, { client_id: client.clientId, request: request as string });
    // RFC 9126 §3: with a request object, the body is `request` and the client authentication only.
    const pushed = await push(as, request === undefined ? params : { request });
    ctx.note(`pushed the authorization request (RFC 9126); its request_uri is valid for ${pushed.expires_in}s`);
    return frontChannelUrl(endpoint, { client_id: client.clientId, request_uri: pushed.request_uri });
  };
}

/**
 * RFC 9101 §4: `iss` the client id, `aud` the issuer; the key from `--private-key` (already
 * loaded for `private_key_jwt`), else the client secret (HS256).
 * @throws UsageError `missing_request_object_key`, `missing_issuer`; `invalid_key` for a bad key file.
 */
async function requestObjectSigner(
  settings: Profile,
  clientSecret: string | undefined,
  as: AuthServer & { client: ClientCredentials },
  ctx: AppContext,
): Promise<(params: AuthorizationParams) => Promise<string>> {
  const { client, endpoints } = as;
  const secret = client.clientSecret ?? clientSecret;
  assertRequestObjectSignable(settings, secret);
  const audience = endpoints.issuer;
  if (!audience) {
    throw new UsageError('a signed request object (RFC 9101) is addressed to the issuer, and none is known', { code: 'missing_issuer', attribute: 'issuer' });
  }
  const { signRequestObject, secretRequestObjectKey } = await import('../../oauth/request-object.js');
  const key: RequestObjectKey = client.privateKey ?? (settings.private_key ? await loadPrivateKeyFile(settings.private_key) : secretRequestObjectKey(secret as string));
  ctx.note(`signing the request object with ${key.alg}${key.alg === 'HS256' ? ' (the client secret)' : ''}`);
  return (params) => signRequestObject(params, { clientId: client.clientId, audience, key, now: ctx.now() });
}
