/**
 * Work a build starts before it reaches the point that needs it: the fiches' bodies of a kit printed while the next
 * kits are still read and checked. Each task is known by a key (the piece's inputs); the build takes a task's
 * result when it reaches that piece, or does the work itself when no task was started for it. Tasks run in the
 * order they were added, `concurrency` at a time; once stopped, no task starts any more.
 */
export class Ahead<T> {
  private readonly tasks = new Map<string, Promise<T | undefined>>();
  private readonly queue: { make: () => Promise<T>; settle: (result: Promise<T | undefined>) => void }[] = [];
  private running = 0;
  private stopped = false;

  constructor(private readonly concurrency: number) {}

  /** Queues the tasks; a key already queued keeps its first task. */
  add(items: { key: string; make: () => Promise<T> }[]): void {
    for (const { key, make } of items) {
      if (this.tasks.has(key)) continue;
      const task = new Promise<T | undefined>((resolve) => this.queue.push({ make, settle: resolve }));
      task.catch(() => undefined); // a task nobody takes fails silently; one taken fails where it is taken
      this.tasks.set(key, task);
    }
    while (this.running < this.concurrency && this.queue.length > 0) void this.run();
  }

  /** The result of the task queued under this key, if any (undefined when it was stopped before it started). */
  take(key: string): Promise<T | undefined> | undefined {
    const task = this.tasks.get(key);
    this.tasks.delete(key);
    return task;
  }

  /** No queued task starts any more; those running finish. */
  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    this.running++;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (this.stopped) next.settle(Promise.resolve(undefined));
        else {
          const result = next.make();
          next.settle(result);
          await result.catch(() => undefined);
        }
      }
    } finally {
      this.running--;
    }
  }
}
