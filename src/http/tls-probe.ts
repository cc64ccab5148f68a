/**
 * Why a TLS connection was closed. With TLS 1.3 a server that refuses the client's certificate
 * (or its absence) sends its alert after the handshake has completed on the client's side, and
 * undici reports only "other side closed". One bare handshake with the same TLS options reads
 * that alert, so the error can say what happened (RFC 8446 §6.2 `certificate_required`).
 * Used only after such a failure, never for a proxied request.
 */
import { isIP } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';

/**
 * Some servers (Node's among them) close a TLS 1.3 connection whose certificate they reject
 * without an alert: the handshake completed, the request got no answer at all.
 */
export const CLOSED_AFTER_HANDSHAKE = 'TLS_CLOSED_AFTER_HANDSHAKE';

/**
 * OpenSSL's code for the alert the server sent (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`, …),
 * or CLOSED_AFTER_HANDSHAKE, if either.
 */
export function probeTlsAlert(url: URL, tls: ConnectionOptions, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({
      ...tls,
      host,
      port: Number(url.port || 443),
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ALPNProtocols: ['http/1.1'],
    });
    let settled = false;
    let handshaken = false;
    const done = (code: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(code);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    timer.unref();
    socket.on('error', (err: NodeJS.ErrnoException) => done(typeof err.code === 'string' && err.code.startsWith('ERR_SSL_') ? err.code : undefined));
    socket.on('close', () => done(handshaken ? CLOSED_AFTER_HANDSHAKE : undefined));
    // A server that wants a certificate answers the handshake's end with an alert; a request shows
    // whether it would have answered at all.
    socket.on('secureConnect', () => {
      handshaken = true;
      socket.write('HEAD / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', () => done(undefined));
  });
}
