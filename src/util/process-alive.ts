/**
 * Whether a process with this pid is running, for lock files that name their holder (kscli's store
 * locks through src/main.ts's system hooks, the sandbox server's state-file lock).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    // signal 0: no signal is sent, only the existence and permission checks are made
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
