/**
 * A loopback stand-in for a Kubernetes API server, enough for `kubectl get --raw /version`, over
 * HTTPS with a self-signed certificate (client-go sends no credentials over plain http): it
 * answers `/version` to a request whose bearer token `isActive` accepts (the tests ask the
 * fixture's introspection endpoint) and 401 with a Kubernetes `Status` to anything else.
 */
import { createServer } from 'node:https';
import { selfSignedCertificate } from '../fixtures/tls.js';
import type { AddressInfo } from 'node:net';

export interface KubeApiServer {
  url: string;
  /** The server's certificate (PEM), for the kubeconfig's `certificate-authority-data`. */
  certificate: string;
  /** The bearer token of every request, in order. */
  tokensSeen: (string | undefined)[];
  close(): Promise<void>;
}

export const FAKE_VERSION = { major: '1', minor: '99', gitVersion: 'v1.99.0-oauthctl-test', platform: 'linux/amd64' };

export async function startKubeApiServer(isActive: (token: string) => Promise<boolean>): Promise<KubeApiServer> {
  const tokensSeen: (string | undefined)[] = [];
  const tls = await selfSignedCertificate();
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    req.resume();
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    tokensSeen.push(token);
    void (async () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!token || !(await isActive(token))) {
        json(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      } else if (req.url === '/version') {
        json(200, FAKE_VERSION);
      } else {
        json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    certificate: tls.cert,
    tokensSeen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
