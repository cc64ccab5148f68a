/**
 * The error families of oauthctl. Every layer throws one of these; only the CLI boundary
 * (src/cli/errors.ts) turns them into exit codes, text, hints and JSON. Each carries a stable
 * string `code` (part of the `-o json` contract), listed with its exit code in `ERROR_CODES`.
 *
 * Two families matter most:
 * - `OAuthError`: the authorization server answered with an OAuth `error` (RFC 6749 §5.2): its
 *   code is the server's `error`. Thrown only where a server's `error` is read.
 * - `ProtocolError`: one of OUR checks failed on what a server sent (a wrong `state`, an ID token
 *   for another audience, a token response without `access_token`, …). One code per named check,
 *   and a structured `cause` `{ check, attribute, expected, actual }` as oauth4webapi does.
 */
export interface ErrorDetails {
  hint?: string;
  status?: number;
  cause?: unknown;
  /** The profile field or protocol parameter concerned (`token_endpoint`, `client_id`, …). */
  attribute?: string;
  /** Facts the CLI's hint table may use (never secrets). */
  context?: Readonly<Record<string, string | number | boolean>>;
}

/** What a failed protocol check says about itself (oauth4webapi's `cause`). */
export interface CheckCause {
  /** The named check that failed, e.g. `assertStateMatches`, `checkIdTokenNonce`. */
  check: string;
  /** The member, claim or parameter checked. */
  attribute?: string;
  expected?: unknown;
  actual?: unknown;
}

export type ErrorKind =
  | 'usage'
  | 'oauth'
  | 'transport'
  | 'protocol'
  | 'login_required'
  | 'api'
  | 'invalid_token'
  | 'interrupted';

/** SPEC "Exit codes", by family. */
export const EXIT_CODES: Readonly<Record<ErrorKind | 'internal', number>> = Object.freeze({
  usage: 2,
  oauth: 3,
  transport: 4,
  protocol: 4,
  login_required: 5,
  api: 6,
  invalid_token: 7,
  interrupted: 130,
  internal: 1,
});

interface CodeEntry {
  kind: ErrorKind | 'internal';
  summary: string;
}

/**
 * Every error code oauthctl itself gives, with its family (hence its exit code). A new error is
 * a row here plus a throw; a hint that names a flag goes in src/cli/hints.ts. Two rows stand for
 * open sets: `<oauth error>` (whatever `error` the server sent) and `http_<status>` (`call`).
 * The README's "Error codes" table is this table (a unit test keeps them equal).
 */
export const ERROR_CODES = {
  // usage (2)
  usage: { kind: 'usage', summary: 'misuse or bad input (flags, arguments, files)' },
  malformed_jwt: { kind: 'usage', summary: 'the input is not a JWT' },
  invalid_key: { kind: 'usage', summary: 'a key file cannot be used' },
  config_invalid: { kind: 'usage', summary: 'config.json is damaged' },
  invalid_profile: { kind: 'usage', summary: 'a profile name breaks the naming rule' },
  port_in_use: { kind: 'usage', summary: 'the loopback listener cannot bind its port' },
  missing_client_id: { kind: 'usage', summary: 'no client id is known' },
  missing_client_secret: { kind: 'usage', summary: 'the client authentication needs a secret' },
  missing_private_key: { kind: 'usage', summary: 'the client authentication needs a private key' },
  missing_client_certificate: { kind: 'usage', summary: 'tls_client_auth / self_signed_tls_client_auth without a client certificate' },
  client_certificate_invalid: { kind: 'usage', summary: 'the client certificate or key cannot be read, is not PEM, or the two do not match' },
  missing_endpoint: { kind: 'usage', summary: 'an endpoint is neither given nor discovered' },
  invalid_url: { kind: 'usage', summary: 'a configured URL does not parse or is not http(s)' },
  insecure_url: { kind: 'usage', summary: 'plain http:// to a host that is not loopback' },
  redirect_uri_not_loopback: { kind: 'usage', summary: 'the listener cannot receive this redirect URI' },
  confidential_client_required: { kind: 'usage', summary: 'the grant needs a secret or a key' },
  missing_username: { kind: 'usage', summary: 'the password grant needs a username' },
  missing_password: { kind: 'usage', summary: 'the password grant needs a password' },
  missing_verification_key: { kind: 'usage', summary: '`verify` has no key to verify with' },
  keychain_unavailable: { kind: 'usage', summary: 'the OS keychain does not answer' },
  token_store_io: { kind: 'usage', summary: 'the token store file cannot be read or written' },
  home_unsafe: { kind: 'usage', summary: 'the oauthctl home is not a private directory of this user' },
  lock_timeout: { kind: 'usage', summary: 'another process holds the profile lock' },
  response_too_large: { kind: 'usage', summary: '`call -o json`: the answer is too large to hold' },
  token_origin_mismatch: { kind: 'usage', summary: "`call`: the URL's origin is not the API base URL's (the token stays home)" },
  profile_exists: { kind: 'usage', summary: '`register`: the profile name is taken' },
  registration_unknown: { kind: 'usage', summary: '`--unregister`: no registration access token is stored for the profile' },
  exec_info_malformed: { kind: 'usage', summary: '`KUBERNETES_EXEC_INFO` is not an ExecCredential (`token --format exec-credential`)' },
  command_not_found: { kind: 'usage', summary: '`exec`: the command is not found (exit 127, as shells say)' },
  command_not_runnable: { kind: 'usage', summary: '`exec`: the command cannot be run (exit 126)' },
  missing_subject_token: { kind: 'usage', summary: 'token_exchange without a subject token' },
  missing_assertion: { kind: 'usage', summary: 'jwt_bearer with neither an assertion nor a key to sign one' },
  unknown_token_type: { kind: 'usage', summary: 'a token type that is neither a short name nor a URN' },
  invalid_token_source: { kind: 'usage', summary: 'a token source that cannot be used (`profile:` naming itself, a bad `#`)' },
  unreadable_token_source: { kind: 'usage', summary: 'the `@FILE` of a token source cannot be read' },
  unset_token_source: { kind: 'usage', summary: 'the variable of an `env:NAME` token source is not set' },
  empty_token_source: { kind: 'usage', summary: 'a token source gave an empty token' },
  github_actions_unavailable: { kind: 'usage', summary: '`github-actions` outside a job with `id-token: write`' },
  unsavable_token_source: { kind: 'usage', summary: 'a literal token or stdin as a profile\'s token source' },
  stdin_is_tty: { kind: 'usage', summary: 'a token source `-` while stdin is a terminal' },
  not_dpop_bound: { kind: 'usage', summary: '`token proof`: the stored token has no DPoP key' },
  invalid_authorization_details: { kind: 'usage', summary: '`--authorization-details` is not a JSON array of objects with a `type` (RFC 9396 §2), or its @FILE cannot be read' },
  missing_request_object_key: { kind: 'usage', summary: 'a signed request object (RFC 9101) with neither a private key nor a client secret to sign it' },
  missing_issuer: { kind: 'usage', summary: 'a signed request object (RFC 9101) without a known issuer for its `aud`' },
  // oauth (3)
  '<oauth error>': { kind: 'oauth', summary: 'the server answered with this OAuth `error` (`invalid_grant`, `access_denied`, …)' },
  // transport (4)
  network: { kind: 'transport', summary: 'the server cannot be reached' },
  tls: { kind: 'transport', summary: 'the TLS handshake failed' },
  client_certificate_required: { kind: 'transport', summary: 'the server requires a client certificate (mutual TLS, RFC 8705) and none was given' },
  client_certificate_refused: { kind: 'transport', summary: 'the server refused the client certificate (unknown CA, expired, not allowed)' },
  timeout: { kind: 'transport', summary: 'no answer within --timeout' },
  not_found: { kind: 'transport', summary: 'the server serves no discovery document' },
  callback_timeout: { kind: 'transport', summary: 'the browser did not come back in time' },
  device_code_expired: { kind: 'transport', summary: 'the device code expired before approval' },
  resource_metadata_not_found: { kind: 'transport', summary: 'no protected resource metadata, at the well-known URL or through `resource_metadata` (RFC 9728)' },
  // protocol (4): one per named check
  response_empty: { kind: 'protocol', summary: 'an answer with an empty body' },
  response_not_json: { kind: 'protocol', summary: 'an answer that is not JSON (HTML, text, …)' },
  response_invalid_json: { kind: 'protocol', summary: 'a JSON answer that does not parse' },
  response_not_object: { kind: 'protocol', summary: 'a JSON answer that is not an object' },
  response_error_unreadable: { kind: 'protocol', summary: 'an `error` member that is not a string' },
  response_status_unexpected: { kind: 'protocol', summary: 'an HTTP status the endpoint may not answer' },
  response_exceeds_cap: { kind: 'protocol', summary: 'an answer larger than 10 MiB' },
  response_nested_too_deep: { kind: 'protocol', summary: 'a JSON answer nested more than 256 levels deep' },
  token_response_missing_access_token: { kind: 'protocol', summary: 'no usable `access_token`' },
  token_response_unsupported_token_type: { kind: 'protocol', summary: 'a `token_type` oauthctl cannot use' },
  token_response_invalid_expires_in: { kind: 'protocol', summary: '`expires_in` negative, not finite, or beyond 10 years' },
  token_response_invalid_authorization_details: { kind: 'protocol', summary: '`authorization_details` that is not an array of objects with a `type` (RFC 9396 §7)' },
  device_response_missing_device_code: { kind: 'protocol', summary: 'no `device_code`' },
  device_response_missing_user_code: { kind: 'protocol', summary: 'no `user_code`' },
  device_response_missing_verification_uri: { kind: 'protocol', summary: 'no `verification_uri`' },
  device_response_invalid_verification_uri: { kind: 'protocol', summary: '`verification_uri` is not an http(s) URL' },
  introspection_response_missing_active: { kind: 'protocol', summary: 'no boolean `active`' },
  userinfo_response_signed: { kind: 'protocol', summary: 'a signed UserInfo answer (not supported)' },
  userinfo_response_missing_sub: { kind: 'protocol', summary: 'no `sub` in the UserInfo answer' },
  discovery_issuer_mismatch: { kind: 'protocol', summary: 'metadata for another issuer (RFC 8414 §3.3)' },
  jwks_invalid: { kind: 'protocol', summary: 'the JWKS is not a JSON Web Key Set' },
  github_id_token_missing_value: { kind: 'protocol', summary: 'the GitHub Actions ID-token answer has no `value`' },
  callback_state_mismatch: { kind: 'protocol', summary: 'the callback `state` is missing or wrong' },
  callback_iss_mismatch: { kind: 'protocol', summary: 'the callback `iss` is not the issuer (RFC 9207)' },
  callback_iss_missing: { kind: 'protocol', summary: 'no callback `iss` although the metadata promises it' },
  callback_missing_code: { kind: 'protocol', summary: 'the callback has neither `code` nor `error`' },
  id_token_malformed: { kind: 'protocol', summary: 'the ID token is not a signed JWT' },
  id_token_alg_not_allowed: { kind: 'protocol', summary: 'the ID token `alg` is not accepted' },
  id_token_signature_invalid: { kind: 'protocol', summary: 'the ID token signature does not verify' },
  id_token_issuer_mismatch: { kind: 'protocol', summary: 'the ID token `iss` is not the issuer' },
  id_token_missing_sub: { kind: 'protocol', summary: 'the ID token has no `sub`' },
  id_token_audience_mismatch: { kind: 'protocol', summary: 'the ID token `aud`/`azp` is not the client' },
  id_token_expired: { kind: 'protocol', summary: 'the ID token has expired' },
  id_token_timestamp_invalid: { kind: 'protocol', summary: 'the ID token `exp`/`iat`/`nbf` is missing or in the future' },
  id_token_nonce_mismatch: { kind: 'protocol', summary: 'the ID token `nonce` is missing or wrong' },
  id_token_sub_changed: { kind: 'protocol', summary: 'a refreshed ID token names another `sub` (OIDC Core §12.2)' },
  registration_response_missing_client_id: { kind: 'protocol', summary: 'a registration answer without `client_id` (RFC 7591 §3.2.1)' },
  registration_response_invalid_member: { kind: 'protocol', summary: 'a registration answer member of the wrong type' },
  resource_metadata_resource_mismatch: { kind: 'protocol', summary: 'protected resource metadata for another resource (RFC 9728 §3.3)' },
  resource_metadata_invalid: { kind: 'protocol', summary: 'protected resource metadata that is not a JSON object of the right members' },
  resource_metadata_missing_authorization_servers: { kind: 'protocol', summary: 'protected resource metadata naming no authorization server' },
  par_response_missing_request_uri: { kind: 'protocol', summary: 'a pushed authorization response without a usable `request_uri` (RFC 9126 §2.2)' },
  par_response_invalid_expires_in: { kind: 'protocol', summary: 'a pushed authorization response whose `expires_in` is missing, not positive, or beyond 10 years' },
  // the rest
  login_required: { kind: 'login_required', summary: 'no usable token without the user' },
  'http_<status>': { kind: 'api', summary: '`call`: the API answered this status (400 or above)' },
  invalid_token: { kind: 'invalid_token', summary: '`verify`: the token is not valid' },
  interrupted: { kind: 'interrupted', summary: 'Ctrl+C' },
  internal: { kind: 'internal', summary: 'a bug in oauthctl' },
} as const satisfies Record<string, CodeEntry>;

type Table = typeof ERROR_CODES;
/** The codes of one family. */
export type CodeOf<K extends ErrorKind> = { [C in keyof Table]: Table[C]['kind'] extends K ? C : never }[keyof Table];
export type UsageCode = CodeOf<'usage'>;
export type TransportCode = CodeOf<'transport'>;
export type ProtocolCode = CodeOf<'protocol'>;

/** The exit code for an error code (a server's OAuth `error` → 3, `http_404` → 6). */
export function exitCodeFor(code: string): number {
  const entry = (ERROR_CODES as Record<string, CodeEntry>)[code];
  if (entry !== undefined && Object.hasOwn(ERROR_CODES, code)) return EXIT_CODES[entry.kind];
  if (/^http_\d{3}$/.test(code)) return EXIT_CODES.api;
  return EXIT_CODES.oauth;
}

export abstract class OauthctlError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: string;
  readonly hint?: string;
  readonly status?: number;
  readonly attribute?: string;
  readonly context?: Readonly<Record<string, string | number | boolean>>;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
    this.status = details.status;
    this.attribute = details.attribute;
    this.context = details.context;
  }
}

/** Misuse or bad input: unknown flag, missing value, malformed JWT/URL/file (exit 2). */
export class UsageError extends OauthctlError {
  readonly kind = 'usage';
  constructor(message: string, details: ErrorDetails & { code?: UsageCode } = {}) {
    super(details.code ?? 'usage', message, details);
  }
}

/**
 * The authorization server answered with an OAuth `error` (RFC 6749 §4.1.2.1, §5.2) (exit 3).
 * `code` is the server's `error`. Created only where a server's answer is read.
 */
export class OAuthError extends OauthctlError {
  readonly kind = 'oauth';
  readonly error: string;
  readonly errorDescription?: string;
  constructor(error: string, errorDescription: string | undefined, message: string, details: ErrorDetails = {}) {
    super(error, message, details);
    this.error = error;
    this.errorDescription = errorDescription;
  }

  /**
   * The same server error, told in the words of the flow that met it (`device login denied …`),
   * or with what the flow knows about it (`context`, read by the CLI's hint table).
   */
  retold(message: string, hint: string | undefined = this.hint, context = this.context): OAuthError {
    return new OAuthError(this.error, this.errorDescription, message, {
      cause: this,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(hint === undefined ? {} : { hint }),
      ...(context === undefined ? {} : { context }),
    });
  }
}

/** Network, TLS or timeout failure reaching a server, or a wait that ran out (exit 4). */
export class TransportError extends OauthctlError {
  readonly kind = 'transport';
  constructor(code: TransportCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
  }
}

/**
 * A server's answer failed one of our protocol checks (exit 4: "a response that is not what the
 * protocol says"). `cause` names the check.
 */
export class ProtocolError extends OauthctlError {
  readonly kind = 'protocol';
  declare readonly cause: CheckCause;
  constructor(code: ProtocolCode, message: string, cause: CheckCause, details: Omit<ErrorDetails, 'cause'> = {}) {
    super(code, message, { ...details, cause, ...(cause.attribute !== undefined && details.attribute === undefined ? { attribute: cause.attribute } : {}) });
  }
}

/** No usable token, and none can be obtained without the user (exit 5). */
export class LoginRequiredError extends OauthctlError {
  readonly kind = 'login_required';
  constructor(message: string, details: ErrorDetails = {}) {
    super('login_required', message, { hint: 'run `oauthctl login`', ...details });
  }
}

/** `call`: the API answered with a status >= 400 (exit 6). Code `http_<status>`. */
export class ApiError extends OauthctlError {
  readonly kind = 'api';
}

/** `verify`: the token is not valid (exit 7). */
export class InvalidTokenError extends OauthctlError {
  readonly kind = 'invalid_token';
}

/** Ctrl+C (exit 130). */
export class InterruptedError extends OauthctlError {
  readonly kind = 'interrupted';
  constructor() {
    super('interrupted', 'interrupted');
  }
}
