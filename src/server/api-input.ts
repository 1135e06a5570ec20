// The API's input shapes (zod): malformed input is a 400 with zod's message, never a crash or a
// query with junk in it.
import { z } from 'zod';

/** Sweep ids are hex hashes (expand.ts); names and prefixes are for the CLI, not the API. */
export const sweepParams = z.object({ id: z.string().regex(/^[0-9a-f]{1,64}$/, 'a sweep id is hex digits') });

export const presetParams = z.object({ name: z.string().min(1).max(100) });

export const figureParams = sweepParams.extend({
  file: z.string().regex(/^figure(-\d+)?\.(svg|png)$/, "a figure file is 'figure[-k].svg' or '.png'"),
});

export const trialQuery = z
  .object({
    status: z.enum(['pending', 'running', 'done', 'failed']).optional(),
  })
  .strict();

export class ApiInputError extends Error {}

/** Parses `value` with `schema`, or throws an ApiInputError with zod's message (a 400). */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiInputError(`${what}: ${z.prettifyError(result.error)}`);
}
