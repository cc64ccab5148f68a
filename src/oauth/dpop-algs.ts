/**
 * The DPoP key algorithms `--dpop-alg` accepts (SPEC; RFC 9449 §4.2 "asymmetric"). A module of
 * its own so reading config.json loads no crypto.
 */
export const DPOP_ALGS = ['ES256', 'PS256', 'RS256', 'EdDSA'] as const;
export type DpopAlg = (typeof DPOP_ALGS)[number];
export const DEFAULT_DPOP_ALG: DpopAlg = 'ES256';

export function isDpopAlg(value: unknown): value is DpopAlg {
  return (DPOP_ALGS as readonly unknown[]).includes(value);
}
