import { TransportError } from '../errors.js';

/** Node/undici error codes for TLS problems, with what they mean to a person. */
const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the certificate (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown certificate issuer',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown certificate issuer',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host name',
  CERT_REVOKED: 'certificate is revoked',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is this an http:// server?)',
};

/**
 * TLS alerts about the client's certificate (RFC 8446 §6.2, RFC 8705 §2). A handshake failure
 * without a certificate of ours means the server wanted one (TLS 1.2 servers send only that).
 */
const CLIENT_CERTIFICATE_REQUIRED = new Set(['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED']);
const CLIENT_CERTIFICATE_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);
const HANDSHAKE_FAILURE = 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE';

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_HEADERS_TIMEOUT: 'no answer (headers timeout)',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled (body timeout)',
};

export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** undici wraps the real reason ("bad port", "connect ECONNREFUSED …") in `cause`. */
function deepestMessage(err: unknown): string {
  let message = 'request failed';
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m && m !== 'fetch failed') message = m;
    e = (e as { cause?: unknown }).cause;
  }
  return message;
}

/**
 * Turns whatever fetch threw into a TransportError (exit 4) naming the URL. `clientCertificate`:
 * whether the request presented one (a refused handshake then means a refused certificate).
 */
export function toTransportError(err: unknown, url: string, timeoutSeconds: number, opts: { clientCertificate?: boolean } = {}): TransportError {
  if (err instanceof TransportError) return err;
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError') {
    return new TransportError('timeout', `no answer from ${url} within ${timeoutSeconds}s`, {
      hint: 'check that the server is reachable, or raise --timeout',
      cause: err,
    });
  }
  const code = errorCode(err);
  if (code && (CLIENT_CERTIFICATE_REQUIRED.has(code) || (code === HANDSHAKE_FAILURE && !opts.clientCertificate))) {
    return new TransportError('client_certificate_required', `TLS error reaching ${url}: the server requires a client certificate (${code})`, { cause: err });
  }
  if (code === 'TLS_CLOSED_AFTER_HANDSHAKE') {
    return new TransportError('client_certificate_refused', `TLS error reaching ${url}: the server closed the connection right after the TLS handshake, without an answer: it refused the client certificate`, { cause: err });
  }
  if (code && (CLIENT_CERTIFICATE_REFUSED.has(code) || code === HANDSHAKE_FAILURE)) {
    return new TransportError('client_certificate_refused', `TLS error reaching ${url}: the server refused the client certificate (${code})`, { cause: err });
  }
  if (code && TLS_CODES[code]) {
    return new TransportError('tls', `TLS error reaching ${url}: ${TLS_CODES[code]} (${code})`, {
      hint: 'give the server\'s CA with --cacert <file> (or NODE_EXTRA_CA_CERTS); --insecure skips verification',
      cause: err,
    });
  }
  const message = deepestMessage(err);
  const proxyStatus = /Proxy response \((\d+)\)/.exec(message)?.[1];
  if (proxyStatus) {
    return new TransportError('network', `cannot reach ${url}: the proxy refused the connection (HTTP ${proxyStatus})`, {
      hint: 'check HTTPS_PROXY / HTTP_PROXY, or exclude this host with NO_PROXY',
      cause: err,
    });
  }
  const what = (code && NETWORK_CODES[code]) ?? (message !== 'request failed' ? message : code) ?? message;
  return new TransportError('network', `cannot reach ${url}: ${what}`, {
    hint: 'check the URL and that the server is running',
    cause: err,
  });
}
