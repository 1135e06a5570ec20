// Inflating a gzipped data file without trusting it: a few megabytes of .gz can inflate to
// gigabytes, so the output is capped at what the file may hold, and every error names the file.
import { constants as buffer } from 'node:buffer';
import { constants, gunzipSync } from 'node:zlib';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates `gz`, the contents of `path`, failing as soon as the output passes `limit` bytes;
 * `why` says where the limit comes from ("its IDX header announces").
 */
export function gunzipAtMost(gz: Uint8Array, path: string, limit: number, why: string): Uint8Array {
  if (limit > buffer.MAX_LENGTH) {
    throw new Error(`${path}: cannot load the ${limit} bytes ${why}: the most is ${buffer.MAX_LENGTH}`);
  }
  try {
    return gunzipSync(gz, { maxOutputLength: Math.max(1, limit) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${path}: inflates to more than the ${limit} bytes ${why}`);
    }
    throw new Error(`${path}: not a valid gzip file: ${(e as Error).message}`);
  }
}

/**
 * The start of the inflated stream: at least `wanted(start)` bytes where the stream has them. Only
 * a prefix of `gz` is inflated (1 KiB, doubled while too short), so the output stays small.
 */
export function gunzipStart(gz: Uint8Array, path: string, wanted: (start: Uint8Array) => number): Uint8Array {
  for (let k = 1024; ; k *= 2) {
    let start: Uint8Array;
    try {
      // A sync flush instead of the final one: the prefix ends mid-stream on purpose.
      start = gunzipSync(gz.subarray(0, k), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new Error(`${path}: not a valid gzip file: ${(e as Error).message}`);
    }
    if (start.length >= wanted(start) || k >= gz.length) return start;
  }
}
