// The shared secret of `ddlab run --redis` and `ddlab worker`: --secret, or DDLAB_SECRET (better:
// a command line is visible to other users in `ps`). Provenance records --secret as ***.
export const SECRET_FLAGS = '--secret <secret>';
export const SECRET_HELP =
  'with --redis: a secret shared with the workers; jobs and results carry an HMAC and results without one are rejected (default: $DDLAB_SECRET)';

export function secretFrom(option: string | undefined): string | undefined {
  return option ?? (process.env.DDLAB_SECRET || undefined);
}
