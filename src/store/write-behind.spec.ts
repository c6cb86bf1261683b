import { setImmediate as nextTurn } from 'node:timers/promises';
import { WriteBehind } from './write-behind.js';

describe('WriteBehind', () => {
  let batches: number[][];
  let lateErrors: { error: unknown; lost: number }[];
  let failNext: boolean;
  let buffer: WriteBehind<number>;
  beforeEach(() => {
    batches = [];
    lateErrors = [];
    failNext = false;
    const write = (items: number[]): void => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      batches.push(items);
    };
    buffer = new WriteBehind(write, 4, (error, lost) => lateErrors.push({ error, lost }));
  });

  it('writes what arrived one by one in one batch at the next turn of the event loop', async () => {
    buffer.add([1]);
    buffer.add([2]);
    buffer.add([3]);
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('writes at once when the batch is full, and the rest at the next turn', async () => {
    buffer.add([1, 2, 3]);
    buffer.add([4, 5]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    buffer.add([6]);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3, 4, 5], [6]]);
  });

  it('flush() writes what waits now, and the scheduled turn then has nothing to write', async () => {
    buffer.add([1, 2]);
    buffer.flush();
    expect(batches).toEqual([[1, 2]]);
    await nextTurn();
    expect(batches).toEqual([[1, 2]]);
  });

  it('throws a failed flush to its caller and drops that batch', () => {
    buffer.add([1]);
    failNext = true;
    expect(() => buffer.flush()).toThrow('disk full');
    buffer.add([2]);
    buffer.flush();
    expect(batches).toEqual([[2]]);
  });

  it('reports a failed flush of the next turn with how many items were lost, and keeps writing after it', async () => {
    buffer.add([1, 2]);
    failNext = true;
    await nextTurn();
    expect(lateErrors).toEqual([{ error: new Error('disk full'), lost: 2 }]);
    buffer.add([3]);
    await nextTurn();
    expect(batches).toEqual([[3]]);
  });
});
