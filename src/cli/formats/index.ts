import { UsageError } from '../../errors.js';
import { renderEnv } from './env.js';
import { parseExecInfo, renderExecCredential } from './exec-credential.js';
import { renderHeader } from './header.js';
import { renderJson } from './json.js';
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
 * The renderer for `format`. Reading what a format depends on (`KUBERNETES_EXEC_INFO`) happens
 * here, before any token is obtained, so bad input fails first (exit 2).
 */
export function tokenRenderer(format: TokenFormat, env: Record<string, string | undefined>): TokenRenderer {
  switch (format) {
    case 'raw':
      return renderRaw;
    case 'header':
      return renderHeader;
    case 'json':
      return renderJson;
    case 'env':
      return renderEnv;
    case 'exec-credential': {
      const info = parseExecInfo(env);
      return (t) => renderExecCredential(t, info);
    }
  }
}
