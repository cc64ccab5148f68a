/**
 * The error families of oauthctl. Every layer throws one of these; only the CLI boundary
 * (src/cli/errors.ts) turns them into exit codes, text and JSON. Each carries a stable string
 * `code` (part of the `-o json` contract) and, where useful, a `hint` for the next step.
 */
export interface ErrorDetails {
  hint?: string;
  status?: number;
  cause?: unknown;
}

export abstract class OauthctlError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: string;
  readonly hint?: string;
  readonly status?: number;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
    this.status = details.status;
  }
}

export type ErrorKind =
  | 'usage'
  | 'oauth'
  | 'transport'
  | 'login_required'
  | 'api'
  | 'invalid_token'
  | 'interrupted';

/** Misuse or bad input: unknown flag, missing value, malformed JWT/URL/file (exit 2). */
export class UsageError extends OauthctlError {
  readonly kind = 'usage';
  constructor(message: string, details: ErrorDetails & { code?: string } = {}) {
    super(details.code ?? 'usage', message, details);
  }
}

/** The authorization server answered with an OAuth `error` (RFC 6749 §5.2) (exit 3). */
export class OAuthError extends OauthctlError {
  readonly kind = 'oauth';
  readonly error: string;
  readonly errorDescription?: string;
  constructor(error: string, errorDescription: string | undefined, message: string, details: ErrorDetails = {}) {
    super(error, message, details);
    this.error = error;
    this.errorDescription = errorDescription;
  }
}

/**
 * Network, TLS or timeout failure, or an answer that breaks the protocol (HTML instead of JSON,
 * a token response without `access_token`, …) (exit 4). Codes: `network`, `tls`, `timeout`,
 * `protocol`.
 */
export class TransportError extends OauthctlError {
  readonly kind = 'transport';
}

/** No usable token, and none can be obtained without the user (exit 5). */
export class LoginRequiredError extends OauthctlError {
  readonly kind = 'login_required';
  constructor(message: string, details: ErrorDetails = {}) {
    super('login_required', message, { hint: 'run `oauthctl login`', ...details });
  }
}

/** `call`: the API answered with a status >= 400 (exit 6). */
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
