import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan, MAX_INDENT_DEPTH, stringifyIteratively, toJson } from '../../src/json.js';

describe('toJson', () => {
  it('is JSON.stringify for the values JSON.stringify can handle, compact and indented', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.constantFrom(0, 2), (value, indent) => {
        expect(toJson(value, indent)).toBe(JSON.stringify(value, null, indent));
        expect(stringifyIteratively(value, indent)).toBe(JSON.stringify(value, null, indent));
      }),
    );
  });

  it('follows JSON.stringify for undefined members, functions and toJSON', () => {
    const value = { a: undefined, b: () => 1, c: [undefined, () => 1], d: new Date(0), e: 'x\u009b' };
    expect(stringifyIteratively(value, 2)).toBe(JSON.stringify(value, null, 2));
  });

  it('renders 100,000 levels without a stack overflow, indentation capped', () => {
    const depth = 100_000;
    const value = JSON.parse(`${'['.repeat(depth)}{"k":1}${']'.repeat(depth)}`) as unknown;
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    const text = toJson(value, 2);
    expect(JSON.parse(text)).toBeInstanceOf(Array);
    expect(text.length).toBeLessThan(depth * 2 + MAX_INDENT_DEPTH ** 2 * 4 + 100);
    expect(toJson(value)).toBe(`${'['.repeat(depth)}{"k":1}${']'.repeat(depth)}`);
  });
});

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestsDeeperThan('{"a":[[1]]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[[[1]]]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(`{"a":"${'['.repeat(1000)}"}`, 3)).toBe(false);
    expect(jsonNestsDeeperThan(`{"a":"\\"${'{'.repeat(10)}"}`, 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[[[', 3)).toBe(true);
  });
});
