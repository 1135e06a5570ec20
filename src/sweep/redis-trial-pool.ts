// The Redis worker's trials run in child processes, one trial at a time each, reused from trial to
// trial (so data sets stay loaded). Processes, not threads: a worker told to stop (SIGTERM) kills a
// trial outright and hands it back to the queue, while terminating a thread under ONNX Runtime
// aborts the whole process. They also keep this event loop free to renew the jobs' locks.
import { fork, type ChildProcess } from 'node:child_process';
import type { PresetResult } from '../experiments/preset.js';
import { DatasetRefused } from './redis-dataset-policy.js';
import type { TrialChildReply, TrialChildSettings } from './redis-trial-child.js';
import type { TrialTask } from './run-trial.js';

/** The trial was stopped through its abort signal (its process killed). */
export class TrialAborted extends Error {}

export class TrialPool {
  private readonly idle: ChildProcess[] = [];
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly settings: TrialChildSettings) {}

  run(task: TrialTask, signal: AbortSignal): Promise<PresetResult> {
    if (signal.aborted) return Promise.reject(new TrialAborted('stopped before it started'));
    const child = this.idle.pop() ?? this.start();
    return new Promise<PresetResult>((resolve, reject) => {
      const settle = (then: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        then();
      };
      const onMessage = (reply: TrialChildReply) =>
        settle(() => {
          this.idle.push(child);
          if ('result' in reply) resolve(reply.result);
          else reject(reply.refused ? new DatasetRefused(reply.error) : new Error(reply.error));
        });
      const onExit = (code: number | null, signalName: string | null) =>
        settle(() => reject(new Error(`the trial process ended (${signalName ?? `exit code ${code}`})`)));
      const onAbort = () =>
        settle(() => {
          child.kill('SIGKILL');
          reject(new TrialAborted('stopped'));
        });
      child.on('message', onMessage);
      child.once('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      child.send(task);
    });
  }

  /** Kills every trial process, busy or idle. */
  close(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  private start(): ChildProcess {
    const child = fork(new URL('./redis-trial-child.js', import.meta.url), [JSON.stringify(this.settings)], {
      serialization: 'advanced', // keeps Infinity and NaN, so the worker sees what the trial returned
    });
    this.children.add(child);
    child.once('exit', () => {
      this.children.delete(child);
      const i = this.idle.indexOf(child);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return child;
  }
}
