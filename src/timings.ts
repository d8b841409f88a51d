/** The stages a build reports with --timings. */
export const STAGES = ['load', 'parse', 'render', 'print', 'assemble', 'access', 'publish'] as const;
/** One stage's name. */
export type Stage = (typeof STAGES)[number];

/** Accumulates wall time per stage (overlapping work is counted in each stage it belongs to). */
export class Timings {
  readonly totals = new Map<Stage, number>();

  /** Runs fn and adds its duration to the stage. */
  async time<T>(stage: Stage, fn: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  /** Adds a duration measured elsewhere (the accessibility pass's own time, in its thread) to the stage. */
  add(stage: Stage, ms: number): void {
    this.totals.set(stage, (this.totals.get(stage) ?? 0) + ms);
  }

  /** A French table of the stages and their times. */
  format(): string {
    const rows = STAGES.map((s) => `  ${s.padEnd(9)} ${((this.totals.get(s) ?? 0) / 1000).toFixed(2).padStart(7)} s`);
    return ['Temps par étape :', ...rows].join('\n');
  }
}
