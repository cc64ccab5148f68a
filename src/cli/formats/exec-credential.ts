import { UsageError } from '../../errors.js';
import { isoDate } from '../format.js';
import type { HandedToken } from './types.js';

export const DEFAULT_EXEC_CREDENTIAL_API_VERSION = 'client.authentication.k8s.io/v1';

/** What kubectl says about the call in `KUBERNETES_EXEC_INFO` (an `ExecCredential` without status). */
export interface ExecInfo {
  apiVersion: string;
  /** `spec.interactive`: false means no browser and no prompt may be used. */
  interactive?: boolean;
}

/**
 * Reads `KUBERNETES_EXEC_INFO` (client-go's exec plugin protocol): its `apiVersion` is answered in
 * kind. Unset: `client.authentication.k8s.io/v1`. Not a JSON object: exit 2 naming the variable.
 */
export function parseExecInfo(env: Record<string, string | undefined>): ExecInfo {
  const text = env.KUBERNETES_EXEC_INFO;
  if (text === undefined || text.trim() === '') return { apiVersion: DEFAULT_EXEC_CREDENTIAL_API_VERSION };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`KUBERNETES_EXEC_INFO is not valid JSON (${(err as Error).message})`, { code: 'exec_info_malformed' });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UsageError('KUBERNETES_EXEC_INFO is not a JSON object', { code: 'exec_info_malformed' });
  }
  const { apiVersion, spec } = doc as { apiVersion?: unknown; spec?: unknown };
  if (apiVersion !== undefined && (typeof apiVersion !== 'string' || !/^client\.authentication\.k8s\.io\/[a-z0-9]+$/.test(apiVersion))) {
    throw new UsageError('KUBERNETES_EXEC_INFO: apiVersion is not a client.authentication.k8s.io version', { code: 'exec_info_malformed' });
  }
  const interactive = typeof spec === 'object' && spec !== null ? (spec as { interactive?: unknown }).interactive : undefined;
  return {
    apiVersion: apiVersion ?? DEFAULT_EXEC_CREDENTIAL_API_VERSION,
    ...(typeof interactive === 'boolean' ? { interactive } : {}),
  };
}

/**
 * `exec-credential`: a Kubernetes `ExecCredential` for a kubeconfig `users[].user.exec` entry,
 * `status.token` and, when the expiry is known, `status.expirationTimestamp` (RFC 3339), so
 * kubectl asks again only when it has passed.
 */
export function renderExecCredential(t: HandedToken, info: ExecInfo): string {
  const status: Record<string, string> = { token: t.token };
  if (t.expiresAt !== null) status.expirationTimestamp = isoDate(t.expiresAt);
  return `${JSON.stringify({ kind: 'ExecCredential', apiVersion: info.apiVersion, spec: {}, status }, null, 2)}\n`;
}
