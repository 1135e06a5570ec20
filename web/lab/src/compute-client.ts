// The page's side of the compute worker: start a run (cancelling the one before), follow its
// progress and points, cancel it. A run that does not stop within a second of its cancel (one long
// graph run) is ended by replacing the worker.
import type { FromWorker, Row, Task, TaskResult, ToWorker } from './compute-protocol';

export interface RunHandlers {
  onProgress?: (done: number, total: number) => void;
  onPoint?: (point: Row) => void;
  onEpoch?: (rows: Row[]) => void;
}

export type Outcome =
  | { status: 'done'; result: TaskResult; seconds: number }
  | { status: 'cancelled' }
  | { status: 'error'; message: string };

const HARD_STOP_MS = 1000;

export class ComputeClient {
  private worker = ComputeClient.spawn();
  private nextId = 1;
  private current?: { id: number; settle: (o: Outcome) => void; handlers: RunHandlers; timer?: number };

  private static spawn(): Worker {
    return new Worker(new URL('./compute-worker.ts', import.meta.url), { type: 'module' });
  }

  constructor() {
    this.listen();
  }

  private listen(): void {
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.finish({ status: 'error', message: event.message || 'the compute worker failed' });
    };
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Runs `task`, cancelling any run in progress first. */
  run(task: Task, handlers: RunHandlers = {}): Promise<Outcome> {
    // The worker queues the new run behind the old one, which stops at its next graph run.
    if (this.current) {
      this.send({ type: 'cancel', id: this.current.id });
      this.finish({ status: 'cancelled' });
    }
    const id = this.nextId++;
    return new Promise((settle) => {
      this.current = { id, settle, handlers };
      this.send({ type: 'run', id, task });
    });
  }

  /** Stops the run in progress (its promise resolves with status 'cancelled'). */
  cancel(): void {
    const c = this.current;
    if (!c || c.timer !== undefined) return;
    this.send({ type: 'cancel', id: c.id });
    c.timer = window.setTimeout(() => {
      if (this.current !== c) return;
      this.worker.terminate();
      this.worker = ComputeClient.spawn();
      this.listen();
      this.finish({ status: 'cancelled' });
    }, HARD_STOP_MS);
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(m: FromWorker): void {
    const c = this.current;
    if (!c || m.id !== c.id) return;
    if (m.type === 'progress') c.handlers.onProgress?.(m.done, m.total);
    else if (m.type === 'point') c.handlers.onPoint?.(m.point);
    else if (m.type === 'epoch') c.handlers.onEpoch?.(m.rows);
    else if (m.type === 'done') this.finish({ status: 'done', result: m.result, seconds: m.seconds });
    else if (m.type === 'cancelled') this.finish({ status: 'cancelled' });
    else this.finish({ status: 'error', message: m.message });
  }

  private finish(outcome: Outcome): void {
    const c = this.current;
    if (!c) return;
    if (c.timer !== undefined) clearTimeout(c.timer);
    this.current = undefined;
    c.settle(outcome);
  }
}
