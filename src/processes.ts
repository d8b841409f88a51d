/** Whether a process runs (or exists at all: a process of another user counts as alive, so what it holds is kept). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
