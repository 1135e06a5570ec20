// The IDX file format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, ndims), ndims
// big-endian uint32 dimensions, then the data in row-major order. Only unsigned bytes (type 0x08)
// are supported: that is what every image/label file of these data sets holds.

const UNSIGNED_BYTE = 0x08;

export interface Idx {
  readonly dims: number[];
  /** A view into the input bytes (not a copy). */
  readonly data: Uint8Array;
}

const hex = (b: Uint8Array, n: number): string =>
  '0x' + [...b.subarray(0, n)].map((v) => v.toString(16).padStart(2, '0')).join('');

export interface IdxHeader {
  readonly dims: number[];
  /** Bytes before the data: 4 + 4 · dims. */
  readonly headerLength: number;
  /** Bytes of data the dimensions announce (their product). */
  readonly dataLength: number;
}

/**
 * Reads the header at the start of `bytes` (the rest may be missing: a gzipped file's length is
 * known from its first bytes); `source` (a path or a name) is named in every error.
 */
export function parseIdxHeader(bytes: Uint8Array, source: string): IdxHeader {
  if (bytes.length < 4) {
    throw new Error(`${source}: truncated header: the file has ${bytes.length} bytes, an IDX header needs 4`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    // A gzip magic is the common mistake: the data sets are distributed as .gz files.
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this looks gzip-compressed: gunzip it first)' : '';
    throw new Error(
      `${source}: bad magic number: expected 0x0000 then type and dims, found ${hex(bytes, 4)}${gz}`,
    );
  }
  const type = bytes[2];
  if (type !== UNSIGNED_BYTE) {
    throw new Error(
      `${source}: unsupported IDX data type 0x${type.toString(16).padStart(2, '0')}; only 0x08 (unsigned byte) is supported`,
    );
  }
  const ndims = bytes[3];
  const headerLength = idxHeaderLength(bytes);
  if (bytes.length < headerLength) {
    throw new Error(
      `${source}: truncated header: ${ndims} dimensions need ${headerLength} header bytes, the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { dims, headerLength, dataLength: dims.reduce((a, b) => a * b, 1) };
}

/** The length of the header that `bytes` starts: 4 until the 4th byte (the number of dims) is known. */
export function idxHeaderLength(bytes: Uint8Array): number {
  return bytes.length < 4 ? 4 : 4 + 4 * bytes[3];
}

/** Parses an IDX file; `source` (a path or a name) is named in every error. */
export function parseIdx(bytes: Uint8Array, source: string): Idx {
  const { dims, headerLength, dataLength: size } = parseIdxHeader(bytes, source);
  const found = bytes.length - headerLength;
  if (found < size) {
    throw new Error(
      `${source}: truncated: expected ${size} bytes of data (dims ${dims.join(' × ')}), found ${found}`,
    );
  }
  if (found > size) {
    throw new Error(
      `${source}: ${found - size} extra trailing bytes: expected ${size} bytes of data (dims ${dims.join(' × ')}), found ${found}`,
    );
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** Encodes unsigned bytes as an IDX file (the inverse of parseIdx; used by tests and exports). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size)
    throw new Error(`encodeIdx: dims ${dims.join(' × ')} need ${size} bytes, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
