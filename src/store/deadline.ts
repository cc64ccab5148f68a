/** "no answer within 3s" / "… 700ms": the one wording of a keychain deadline, for the store and the D-Bus probe. */
export function noAnswerWithin(ms: number): string {
  return `no answer within ${ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`}`;
}
