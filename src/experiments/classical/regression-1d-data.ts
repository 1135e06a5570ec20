// The data of a run of the presets on synthetic 1-D regression (polynomial-fits, polynomial), from
// their shared configuration fields.
import { regression1d, type Regression1d } from '../../data/regression-1d.js';
import { targetSpec, type Regression1dFields } from './regression-1d-config.js';

/** Training and test sets (n, nTest points) and the plotting grid, drawn from the seed. */
export function regression1dData(
  c: Regression1dFields & { n: number; nTest: number; seed: number },
  gridSize?: number,
): Regression1d {
  const { n, nTest, noise, interval, design, seed } = c;
  return regression1d({ target: targetSpec(c), n, nTest, noise, interval, design, gridSize, seed });
}
