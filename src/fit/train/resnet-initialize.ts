// Seeded initial tensors of a ResNet18, drawn in PyTorch's registration order from one stream.
// Conv and linear weights follow initialize.ts's schemes with PyTorch's fans (fan_in = in·kh·kw,
// fan_out = out·kh·kw); the default 'pytorch' is nn.Conv2d's and nn.Linear's own default,
// kaiming_uniform(a = √5) = U(±1/√fan_in). The linear bias starts at zero, as every bias of the
// engine does (PyTorch draws it from U(±1/√fan_in)). BN: γ = 1, β = 0; running mean 0, variance 1.
import { Rng, Streams } from '../../engine/random.js';
import type { ResNet18Geometry } from '../../models/resnet18.js';
import type { InitScheme } from './initialize.js';
import { runningMeanName, runningVarName } from './resnet-graph.js';

export interface ResNetState {
  /** Every learned tensor by PyTorch name, in its layout. */
  params: Map<string, Float64Array>;
  /** Every BN's running_mean and running_var. */
  running: Map<string, Float64Array>;
}

export function initialResNet(geometry: ResNet18Geometry, seed: number, scheme: InitScheme): ResNetState {
  const rng = new Rng(seed, Streams.init);
  const params = new Map<string, Float64Array>();
  for (const t of geometry.tensors) {
    const values = new Float64Array(t.shape.reduce((a, b) => a * b, 1));
    if (t.role === 'bn-scale') values.fill(1);
    else if (t.role === 'conv' || t.role === 'linear-weight') {
      if (scheme === 'he') rng.fillNormal(values, 0, Math.sqrt(2 / t.fanIn));
      else {
        const limit =
          scheme === 'pytorch'
            ? 1 / Math.sqrt(t.fanIn)
            : Math.sqrt(6 / (scheme === 'glorot' ? t.fanIn + t.fanOut : t.fanIn));
        for (let i = 0; i < values.length; i++) values[i] = (2 * rng.uniform() - 1) * limit;
      }
    }
    params.set(t.name, values);
  }
  const running = new Map<string, Float64Array>();
  for (const bn of geometry.batchNorms) {
    running.set(runningMeanName(bn), new Float64Array(bn.channels));
    running.set(runningVarName(bn), new Float64Array(bn.channels).fill(1));
  }
  return { params, running };
}
