// The pre-activation ResNet18 of width k used by Nakkiran et al. 2019 (arXiv 1912.02292, their
// released `make_resnet18k`, after kuangliu/pytorch-cifar's PreActResNet and He et al. 2016,
// "Identity mappings in deep residual networks"):
//   stem      conv 3×3 (C → k, stride 1, padding 1, no bias)
//   stages    widths k, 2k, 4k, 8k with strides 1, 2, 2, 2; two PreActBlocks each, the first with the
//             stage's stride
//   block     a = relu(bn1(x)); out = conv2(relu(bn2(conv1(a)))) + shortcut, where conv1 is 3×3 with
//             the block's stride, conv2 3×3 stride 1 (both padding 1, no bias), and shortcut = x, or a
//             1×1 conv (stride s, no bias) of the pre-activated a when the stride or width changes
//   head      global average pooling (F.avg_pool2d(out, 4) of the paper's code on its 4×4 maps of
//             32×32 inputs, and of 28×28 ones), then a linear layer with bias. No BN+ReLU before the
//             pooling: make_resnet18k has none.
// Names follow PyTorch's state_dict of that model, so tensors compare one to one.
import type { InputShape } from './network.js';

export type ResNetRole = 'conv' | 'bn-scale' | 'bn-shift' | 'linear-weight' | 'linear-bias';

/** A learned tensor: PyTorch's name and layout (conv (out, in, kh, kw), linear (classes, features)). */
export interface ResNetTensor {
  name: string;
  shape: number[];
  /** Inputs to one output unit (in·kh·kw for a conv, features for the linear layer; 0 for BN). */
  fanIn: number;
  /** Outputs of one input unit (out·kh·kw, PyTorch's rule; 0 for BN). */
  fanOut: number;
  role: ResNetRole;
}

export interface ConvGeometry {
  /** The weight's name. */
  weight: string;
  inChannels: number;
  outChannels: number;
  kernel: 1 | 3;
  stride: 1 | 2;
  pad: 0 | 1;
  /** Spatial size (height, width) of the input and of the output. */
  inSize: [number, number];
  outSize: [number, number];
}

export interface BatchNormGeometry {
  /** Prefix of its tensors: `${name}.weight` (γ), `.bias` (β), `.running_mean`, `.running_var`. */
  name: string;
  channels: number;
  /** Spatial size (height, width) of the maps it normalizes. */
  size: [number, number];
}

export interface BlockGeometry {
  /** `layer${stage}.${index}` */
  name: string;
  bn1: BatchNormGeometry;
  conv1: ConvGeometry;
  bn2: BatchNormGeometry;
  conv2: ConvGeometry;
  /** The 1×1 projection, or absent for the identity shortcut. */
  shortcut?: ConvGeometry;
}

export interface ResNet18Geometry {
  k: number;
  image: readonly [number, number, number];
  classes: number;
  stem: ConvGeometry;
  blocks: BlockGeometry[];
  /** Channels and spatial size of the last block's output (what the pooling averages). */
  features: number;
  finalSize: [number, number];
  /** Every learned tensor, in PyTorch's registration order (the order of the seeded draws). */
  tensors: ResNetTensor[];
  /** Every batch norm, in the same order. */
  batchNorms: BatchNormGeometry[];
}

export const RESNET18_STAGES = [
  { widthFactor: 1, stride: 1 },
  { widthFactor: 2, stride: 2 },
  { widthFactor: 4, stride: 2 },
  { widthFactor: 8, stride: 2 },
] as const;
export const BLOCKS_PER_STAGE = 2;

/** Output size of a convolution: ⌊(n + 2p − K)/s⌋ + 1. */
export const convOutSize = (n: number, kernel: number, stride: number, pad: number): number =>
  Math.floor((n + 2 * pad - kernel) / stride) + 1;

/** The ResNet18 of width k on images (channels, height, width) with `classes` classes. */
export function resnet18Geometry(k: number, input: InputShape): ResNet18Geometry {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`resnet18 width k must be an integer ≥ 1, got ${k}`);
  const image = checkImageInput(input);
  const [channels, height, width] = image;
  const tensors: ResNetTensor[] = [];
  const batchNorms: BatchNormGeometry[] = [];
  const conv = (
    weight: string,
    inChannels: number,
    outChannels: number,
    kernel: 1 | 3,
    stride: 1 | 2,
    inSize: [number, number],
  ): ConvGeometry => {
    const pad = kernel === 3 ? 1 : 0;
    const outSize: [number, number] = [
      convOutSize(inSize[0], kernel, stride, pad),
      convOutSize(inSize[1], kernel, stride, pad),
    ];
    tensors.push({
      name: weight,
      shape: [outChannels, inChannels, kernel, kernel],
      fanIn: inChannels * kernel * kernel,
      fanOut: outChannels * kernel * kernel,
      role: 'conv',
    });
    return { weight, inChannels, outChannels, kernel, stride, pad, inSize, outSize };
  };
  const bn = (name: string, c: number, size: [number, number]): BatchNormGeometry => {
    tensors.push({ name: `${name}.weight`, shape: [c], fanIn: 0, fanOut: 0, role: 'bn-scale' });
    tensors.push({ name: `${name}.bias`, shape: [c], fanIn: 0, fanOut: 0, role: 'bn-shift' });
    const geometry = { name, channels: c, size };
    batchNorms.push(geometry);
    return geometry;
  };
  const stem = conv('conv1.weight', channels, k, 3, 1, [height, width]);
  let size = stem.outSize;
  let inPlanes = k;
  const blocks: BlockGeometry[] = [];
  RESNET18_STAGES.forEach(({ widthFactor, stride }, s) => {
    const planes = widthFactor * k;
    for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
      const name = `layer${s + 1}.${b}`;
      const blockStride = b === 0 ? stride : 1;
      // PyTorch registers bn1, conv1, bn2, conv2, then the shortcut.
      const bn1 = bn(`${name}.bn1`, inPlanes, size);
      const conv1 = conv(`${name}.conv1.weight`, inPlanes, planes, 3, blockStride, size);
      const bn2 = bn(`${name}.bn2`, planes, conv1.outSize);
      const conv2 = conv(`${name}.conv2.weight`, planes, planes, 3, 1, conv1.outSize);
      const shortcut =
        blockStride !== 1 || inPlanes !== planes
          ? conv(`${name}.shortcut.0.weight`, inPlanes, planes, 1, blockStride, size)
          : undefined;
      blocks.push({ name, bn1, conv1, bn2, conv2, ...(shortcut ? { shortcut } : {}) });
      inPlanes = planes;
      size = conv2.outSize;
    }
  });
  tensors.push({
    name: 'linear.weight',
    shape: [input.classes, inPlanes],
    fanIn: inPlanes,
    fanOut: input.classes,
    role: 'linear-weight',
  });
  tensors.push({ name: 'linear.bias', shape: [input.classes], fanIn: inPlanes, fanOut: 0, role: 'linear-bias' });
  return {
    k,
    image,
    classes: input.classes,
    stem,
    blocks,
    features: inPlanes,
    finalSize: size,
    tensors,
    batchNorms,
  };
}

/**
 * Learned parameters in closed form (BN's running statistics are buffers, not parameters):
 * stem 9Ck; stage 1, two blocks k → k, 2·(2·2k + 2·9k²); stages of width w = 2k, 4k, 8k, a first
 * block w/2 → w (BN 2·(w/2) + 2w, convs 9·(w/2)·w + 9w², shortcut (w/2)·w) and a second w → w
 * (4w + 18w²), 7w + 32w² per stage; the head (8k + 1)·n. In all 2724k² + (106 + 9C + 8n)k + n
 * (11 171 146 at k = 64 on CIFAR-10, PyTorch's count for this model).
 */
export function resnet18ParameterCount(k: number, channels: number, classes: number): number {
  return 2724 * k * k + (106 + 9 * channels + 8 * classes) * k + classes;
}

/** The input must be images (channels, height, width) whose entries agree with `dim`. */
export function checkImageInput(input: InputShape): readonly [number, number, number] {
  const image = input.image;
  if (!image)
    throw new Error(
      'resnet18 needs image data (channels, height, width); this data set has plain feature rows',
    );
  const [c, h, w] = image;
  if (![c, h, w].every((v) => Number.isInteger(v) && v >= 1))
    throw new Error(`resnet18 image shape must be positive integers, got (${image.join(', ')})`);
  if (c * h * w !== input.dim)
    throw new Error(
      `resnet18 image shape (${image.join(', ')}) has ${c * h * w} values but the data rows have ${input.dim}`,
    );
  if (!(Number.isInteger(input.classes) && input.classes >= 2))
    throw new Error(`resnet18 needs at least 2 classes, got ${input.classes}`);
  return image;
}
