import { UsageError } from '../../errors.js';
import { renderRaw } from './raw.js';
import type { TokenRenderer } from './types.js';

export type { HandedToken, TokenRenderer } from './types.js';

/** `token --format`: one renderer per format (SPEC "Using tokens elsewhere"). */
export const TOKEN_FORMATS = ['raw', 'header', 'json', 'env', 'exec-credential'] as const;
export type TokenFormat = (typeof TOKEN_FORMATS)[number];

export function parseTokenFormat(value: unknown): TokenFormat {
  if (value === undefined) return 'raw';
  if (typeof value === 'string' && (TOKEN_FORMATS as readonly string[]).includes(value)) return value as TokenFormat;
  throw new UsageError(`unknown --format '${String(value)}'`, { hint: `use one of ${TOKEN_FORMATS.join(', ')}` });
}

/**
 * The renderer for `format`, loaded when asked for (`raw`, the default, is always here). Reading
 * what a format depends on (`KUBERNETES_EXEC_INFO`) happens here, before any token is obtained, so
 * bad input fails first (exit 2).
 */
export async function tokenRenderer(format: TokenFormat, env: Record<string, string | undefined>): Promise<TokenRenderer> {
  switch (format) {
    case 'raw':
      return renderRaw;
    case 'header':
      return (await import('./header.js')).renderHeader;
    case 'json':
      return (await import('./json.js')).renderJson;
    case 'env':
      return (await import('./env.js')).renderEnv;
    case 'exec-credential': {
      const { parseExecInfo, renderExecCredential } = await import('./exec-credential.js');
      const info = parseExecInfo(env);
      return (t) => renderExecCredential(t, info);
    }
  }
}
