/**
 * The HTTP port. Protocol code receives an `HttpClient` and never touches global fetch, so unit
 * tests can hand it a stub. The real one (src/http/client.ts) applies timeouts, proxies, CAs,
 * redacted `-v` tracing, and maps failures to TransportError (exit 4) naming the URL.
 */
export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A form body is sent as application/x-www-form-urlencoded. */
  body?: string | URLSearchParams | Uint8Array;
  /** Mutual TLS (RFC 8705): present this client certificate on the connection. */
  clientCertificate?: ClientCertificate;
}

/** A client certificate and its private key, loaded and checked (src/http/client-certificate.ts). */
export interface ClientCertificate {
  certPath: string;
  keyPath: string;
  /** PEM. */
  cert: string;
  /** PEM; never printed. */
  key: string;
}

/** A buffered response (bodies are capped; protocol answers are small). */
export interface HttpResponse {
  status: number;
  statusText: string;
  url: string;
  headers: Headers;
  /** The body decoded as UTF-8. */
  text: string;
}

export interface HttpClient {
  /** Sends the request and buffers the answer. Throws TransportError on network/TLS/timeout. */
  request(req: HttpRequest): Promise<HttpResponse>;
}
