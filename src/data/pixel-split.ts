// A Split of 8-bit images whose Float64 features (x = byte / 255) are made only when x is first
// read. Most trials take a subset (transforms.ts), which converts just the rows it takes: MNIST's
// 70 000 images are 55 M pixels, 440 MB as Float64Array and about half a second to convert.
import type { Split } from './dataset.js';

/** The bytes behind each pixel split; a split made from one by spreading (`{ ...s }`) is not in it. */
const PIXELS = new WeakMap<Split, Uint8Array>();

/** `count` images of `pixels.length / count` bytes each, row-major, with their labels. */
export function pixelSplit(pixels: Uint8Array, labels: Uint8Array, count: number): Split {
  let x: Float64Array | undefined;
  const split: Split = {
    get x() {
      if (x === undefined) {
        x = new Float64Array(pixels.length);
        scalePixels(pixels, x, 0);
      }
      return x;
    },
    labels,
    count,
  };
  PIXELS.set(split, pixels);
  return split;
}

/** The pixel bytes of a split made by pixelSplit (undefined for any other split). */
export function pixelsOf(split: Split): Uint8Array | undefined {
  return PIXELS.get(split);
}

/** out[offset + i] = pixels[i] / 255: the one scaling every image data set uses. */
export function scalePixels(pixels: Uint8Array, out: Float64Array, offset: number): void {
  for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i] / 255;
}
