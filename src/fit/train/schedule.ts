// Learning-rate schedules: the factor that multiplies each member's base rate at a step.

export type ScheduleConfig =
  | { name: 'constant' }
  /** Nakkiran et al.'s SGD schedule γ₀/√(1 + ⌊t/every⌋), t the step (every = 512 in the paper). */
  | { name: 'inverse-sqrt'; every: number }
  /** γ₀ · factor^⌊epoch/every⌋. */
  | { name: 'step'; every: number; factor: number };

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
