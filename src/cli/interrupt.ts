// Interrupts of a long command (Ctrl-C, SIGTERM): the first asks it to stop softly, the second stops
// it at once. Stopping at once ends the process by the signal itself, as if it had no handler (a
// shell reports 128 + 2 = 130 for Ctrl-C), and not by process.exit: exit tears down the worker
// threads, and ONNX Runtime aborts the process (exit code 134, "terminate called after throwing an
// instance of 'Napi::Error'") when a thread is torn down inside one of its calls. A death by signal
// runs no teardown at all; the operating system ends the threads.

/** Installs the handlers; returns a function that removes them. */
export function onInterrupts(handlers: { first(): void; second(): void }): () => void {
  let interrupts = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupts++ === 0) return handlers.first();
    try {
      handlers.second();
    } finally {
      process.removeAllListeners(signal); // with no listener left, the signal's default action applies
      process.kill(process.pid, signal);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
