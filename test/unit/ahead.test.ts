import { describe, expect, it } from 'vitest';
import { Ahead } from '../../src/pipeline/ahead.js';

/** A task whose end the test decides. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('work started ahead', () => {
  it('runs tasks in the order they were added, so many at a time, and hands each result to whoever takes its key', async () => {
    const ahead = new Ahead<string>(2);
    const started: string[] = [];
    const gates = new Map(['a', 'b', 'c'].map((k) => [k, gate()]));
    ahead.add(['a', 'b', 'c'].map((key) => ({ key, make: async () => (started.push(key), await gates.get(key)!.opened, key.toUpperCase()) })));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    gates.get('a')!.open();
    expect(await ahead.take('a')).toBe('A');
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c']);
    gates.get('b')!.open();
    gates.get('c')!.open();
    expect(await ahead.take('c')).toBe('C');
    expect(await ahead.take('b')).toBe('B');
    expect(ahead.take('b')).toBeUndefined(); // taken once
    expect(ahead.take('inconnue')).toBeUndefined();
  });

  it('starts nothing more once stopped: the tasks not started give nothing, the one running finishes', async () => {
    const ahead = new Ahead<number>(1);
    const first = gate();
    let runs = 0;
    ahead.add([1, 2, 3].map((n) => ({ key: String(n), make: async () => (runs++, n === 1 ? await first.opened : undefined, n) })));
    ahead.stop();
    first.open();
    expect(await ahead.take('1')).toBe(1);
    expect(await ahead.take('2')).toBeUndefined();
    expect(await ahead.take('3')).toBeUndefined();
    expect(runs).toBe(1);
  });

  it('gives a failed task’s error to whoever takes it, and keeps going with the next ones', async () => {
    const ahead = new Ahead<number>(1);
    ahead.add([
      { key: 'casse', make: async () => Promise.reject(new Error('impression impossible')) },
      { key: 'ok', make: async () => 2 },
    ]);
    await expect(ahead.take('casse')).rejects.toThrow('impression impossible');
    expect(await ahead.take('ok')).toBe(2);
  });
});
