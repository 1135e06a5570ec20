// ONNX Runtime's Linux build (1.30) starts Microsoft's telemetry when it loads: it keeps a database
// under ~/.cache/Microsoft/DeveloperTools/.onnxruntime, and where it cannot make that folder (a user
// without a home) it writes `:memory:.ses` into the working folder. ddlab writes only where it is
// told to, so telemetry is off unless the user set ORT_DISABLE_TELEMETRY. This module must be
// evaluated before onnxruntime-node (see ort.ts); the variable is read by the native library, so
// setting it in the main thread covers the worker threads too. A browser has no process: no-op.
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
if (env) env.ORT_DISABLE_TELEMETRY ??= '1';
