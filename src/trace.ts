/** TEMPORARY: marks on stderr, ms since the process started and CPU ms of this process, when KITESS_TRACE is set. */
export function trace(label: string): void {
  if (!process.env.KITESS_TRACE) return;
  const c = process.cpuUsage();
  process.stderr.write(`@${performance.now().toFixed(0).padStart(6)} cpu ${((c.user + c.system) / 1000).toFixed(0).padStart(6)} ${label}\n`);
}
