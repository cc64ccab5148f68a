/**
 * The hints users see, by error code. Errors from `app/` and `oauth/` say what failed and which
 * attribute it concerns (`missing_endpoint` + `token_endpoint`); only this table, at the CLI
 * boundary, knows which flag sets that attribute. A new flag hint is one row here.
 */
import type { OauthctlError, UsageCode } from '../errors.js';

/** The flag that sets each profile field, for hints. */
export const FIELD_FLAGS: Readonly<Record<string, string>> = Object.freeze({
  issuer: '--issuer',
  authorization_endpoint: '--auth-url',
  token_endpoint: '--token-url',
  device_authorization_endpoint: '--device-url',
  introspection_endpoint: '--introspect-url',
  revocation_endpoint: '--revoke-url',
  userinfo_endpoint: '--userinfo-url',
  jwks_uri: '--jwks-uri',
  pushed_authorization_request_endpoint: '--par-url',
  client_id: '--client-id',
  client_auth: '--client-auth',
  private_key: '--private-key',
  redirect_uri: '--redirect-uri',
  scope: '--scope',
  tls_client_cert: '--cert',
  tls_client_key: '--key',
  registration_endpoint: '--registration-url',
});

type HintFor = (err: OauthctlError) => string | undefined;

const HINTS: Partial<Record<UsageCode | 'callback_timeout' | 'device_code_expired' | 'client_certificate_required' | 'client_certificate_refused', HintFor>> = {
  client_certificate_invalid: (err) =>
    err.attribute === 'tls_client_key' ? 'give --key <file>: the unencrypted PEM private key of the --cert certificate' : 'give --cert <file>: a PEM certificate',
  missing_client_certificate: () => 'give --cert <file> --key <file> (PEM), or choose another --client-auth',
  client_certificate_required: () => 'give the client certificate with --cert <file> --key <file> (mutual TLS, RFC 8705)',
  client_certificate_refused: () => 'check that --cert is a certificate this server trusts (its CA, its validity dates) and registered for the client',
  missing_client_id: () => 'give --client-id <id> (or OAUTHCTL_CLIENT_ID), or use a profile',
  missing_client_secret: () => 'give the secret with --client-secret-stdin or OAUTHCTL_CLIENT_SECRET, or use --client-auth none for a public client',
  missing_private_key: () => 'give --private-key <file> (a PEM or JWK file), or choose another --client-auth',
  missing_endpoint: (err) => {
    const flag = FIELD_FLAGS[err.attribute ?? ''];
    if (flag === undefined) return undefined;
    return `give ${flag} <url>${err.context?.issuerKnown === true ? '' : ', or --issuer for discovery'}`;
  },
  insecure_url: () => 'use https://, or --insecure if you really mean it',
  redirect_uri_not_loopback: () => 'use --manual to paste the redirected address, or --redirect-uri http://127.0.0.1:PORT/callback',
  confidential_client_required: () => 'give the client secret (--client-secret-stdin or OAUTHCTL_CLIENT_SECRET) or --private-key',
  missing_username: () => 'give --username <name>',
  missing_password: () => 'use --password-stdin or OAUTHCTL_PASSWORD, or run on a terminal to be asked',
  token_origin_mismatch: () => "give a /PATH under the profile's API base URL, or --any-origin to send the token there anyway",
  registration_unknown: () => 'it was not made by `oauthctl register`: remove it without --unregister',
  profile_exists: () => 'choose another name with -p NAME, or `oauthctl profile remove` it first',
  missing_subject_token: () => 'give --subject-token SRC: a token, -, @FILE, env:NAME, profile:NAME[#id_token] or github-actions',
  missing_assertion: () => 'give --assertion SRC, or --private-key FILE to sign one',
  missing_verification_key: () => 'give --jwks-uri <url>, --key <file> or --secret-stdin (or --issuer for discovery)',
  not_dpop_bound: () => 'log in with --dpop for a DPoP-bound token',
  missing_request_object_key: () => 'give --private-key <file> (signed with its algorithm) or the client secret (HS256: --client-secret-stdin or OAUTHCTL_CLIENT_SECRET)',
  missing_issuer: () => "give --issuer <url>: a request object's aud is the issuer (RFC 9101 §4)",
  callback_timeout: () => 'finish signing in sooner, raise --timeout, or use --manual',
  device_code_expired: () => 'run `oauthctl login --grant device_code` again and approve sooner',
};

/** The hint for an error: this table's when it has one, else what the error carries. */
export function hintFor(err: OauthctlError): string | undefined {
  // SPEC "Sender-constrained tokens": the server demands DPoP of a login without it.
  if (err.kind === 'oauth' && err.context?.dpop_demanded === true) return 'use --dpop (this server binds its tokens to a DPoP key)';
  const own = Object.hasOwn(HINTS, err.code) ? HINTS[err.code as keyof typeof HINTS]?.(err) : undefined;
  return own ?? err.hint;
}
