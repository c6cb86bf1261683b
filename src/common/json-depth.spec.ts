import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

const arrays = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));
const objects = (levels: number): unknown => JSON.parse('{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1));

describe('nestsDeeperThan', () => {
  it.each([
    ['objects', objects],
    ['arrays', arrays],
  ])('allows %s up to the maximum and refuses one level more', (_kind, build) => {
    expect(nestsDeeperThan(build(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(build(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('copes with 100,000 levels without recursion', () => {
    expect(nestsDeeperThan(arrays(100_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('finds a deep branch beside shallow ones, and passes scalars and wide bodies', () => {
    expect(nestsDeeperThan({ a: 1, b: [1, 2, { c: arrays(40) }] }, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ items: Array.from({ length: 10_000 }, (_, n) => ({ n })) }, MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan('text', MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(null, MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(undefined, MAX_JSON_DEPTH)).toBe(false);
  });
});
