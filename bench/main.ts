// `npm run bench -- <name>`: benchmarks side by side with the reference a user would pick instead.
import { benchGemm } from './gemm.js';
import { benchCholesky } from './cholesky.js';
import { BELKIN_BENCH, BELKIN_SMALL_BENCH, BELKIN_SMALL_KEEP_BENCH, benchRff, RFF_BENCH } from './rff.js';
import { benchSweep } from './sweep.js';
import { benchMlp, benchWidthSweep } from './train.js';
import { benchIgr } from './igr.js';
import { benchSam } from './sam.js';
import { benchCnnEnsemble } from './cnn-ensemble.js';
import { benchMnist1dReference } from './mnist1d-reference.js';
import { benchMnist1dWidth } from './mnist1d-width.js';
import { machineDescription } from './machine.js';
import { benchWebLab } from './web-lab.js';
import { benchMergedTrials } from './merged-trials.js';
import { benchResnet } from './resnet.js';
import { benchCurveParts } from './curve-parts.js';

const BENCHES: Record<string, () => Promise<void>> = {
  gemm: () => benchGemm(),
  cholesky: () => benchCholesky(),
  rff: () => benchRff(RFF_BENCH),
  belkin: () => benchRff(BELKIN_BENCH),
  'belkin-small': () => benchRff(BELKIN_SMALL_BENCH),
  'belkin-small-keep': () => benchRff(BELKIN_SMALL_KEEP_BENCH),
  sweep: () => benchSweep(),
  mlp: () => benchMlp(),
  'width-sweep': () => benchWidthSweep(),
  igr: () => benchIgr(),
  sam: () => benchSam(),
  'cnn-ensemble': () => benchCnnEnsemble(),
  mnist1d: () => benchMnist1dReference(),
  'mnist1d-width': () => benchMnist1dWidth(),
  'web-lab': () => benchWebLab(),
  'merged-trials': () => benchMergedTrials(),
  resnet: () => benchResnet(),
  'curve-parts': () => benchCurveParts(),
};

const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => !(n in BENCHES))) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> …`);
  process.exit(2);
}
// Every run starts with the machine and library versions: ratios depend on both.
for (const line of machineDescription()) console.log(line);
console.log();
for (const name of names) {
  await BENCHES[name]();
  console.log();
}
