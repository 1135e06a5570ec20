// Learning-rate schedules: the factor that multiplies each member's base rate at a step.

export type ScheduleConfig =
  | { name: 'constant' }
  /** Nakkiran et al.'s SGD schedule γ₀/√(1 + ⌊t/every⌋), t the step (every = 512 in the paper). */
  | { name: 'inverse-sqrt'; every: number }
  /** γ₀ · factor^⌊epoch/every⌋. */
  | { name: 'step'; every: number; factor: number };

export const SCHEDULES = ['constant', 'inverse-sqrt', 'step'] as const;

/** The multiplier of the base learning rate at (0-based) step `step` in (0-based) epoch `epoch`. */
export function scheduleFactor(schedule: ScheduleConfig, step: number, epoch: number): number {
  switch (schedule.name) {
    case 'constant':
      return 1;
    case 'inverse-sqrt':
      return 1 / Math.sqrt(1 + Math.floor(step / schedule.every));
    case 'step':
      return schedule.factor ** Math.floor(epoch / schedule.every);
  }
}

/** Validates a schedule read from a config; errors name the field and the bad value. */
export function resolveSchedule(value: unknown): ScheduleConfig {
  const v = (typeof value === 'string' ? { name: value } : value) as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object')
    throw new Error(`schedule must be a name or an object, got ${JSON.stringify(value)}`);
  const positive = (key: string, fallback: number, integer: boolean): number => {
    const x = v[key] ?? fallback;
    if (typeof x !== 'number' || !(x > 0) || (integer && !Number.isInteger(x))) {
      throw new Error(
        `schedule.${key} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(x)}`,
      );
    }
    return x;
  };
  switch (v.name) {
    case 'constant':
      return { name: 'constant' };
    case 'inverse-sqrt':
      return { name: 'inverse-sqrt', every: positive('every', 512, true) };
    case 'step': {
      const factor = positive('factor', 0.1, false);
      if (factor > 1) throw new Error(`schedule.factor must be in (0, 1], got ${factor}`);
      return { name: 'step', every: positive('every', 10, true), factor };
    }
    default:
      throw new Error(`schedule.name must be one of ${SCHEDULES.join(', ')}, got ${JSON.stringify(v.name)}`);
  }
}
