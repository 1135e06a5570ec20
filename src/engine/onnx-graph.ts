// A small typed builder for ONNX graphs over onnx-proto. Graphs are built once per signature and
// cached as sessions (see session-cache.ts), so building need not be fast — only clear.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElementType = 'float64' | 'float32';
/** A dimension: a fixed size, or a symbolic name for a size known only at run time. */
export type Dim = number | string;
/** Integers become INT attributes; wrap a number as `{ float: x }` where ONNX wants a FLOAT. */
export type AttributeValue = number | number[] | string | { float: number };

const ELEMENT_TYPES: Record<ElementType, number> = {
  float64: onnx.TensorProto.DataType.DOUBLE,
  float32: onnx.TensorProto.DataType.FLOAT,
};

/** Opset 17: supported by onnxruntime-node and onnxruntime-web alike. */
const OPSET = 17;
const IR_VERSION = 8;

interface ValueInfo {
  name: string;
  type: ElementType;
  shape: Dim[];
}

interface Constant {
  name: string;
  type: ElementType | 'int64';
  dims: number[];
  values: number[];
}

interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly nodes: Node[] = [];
  private readonly constants: Constant[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, type: ElementType, shape: Dim[]): string {
    this.inputs.push({ name, type, shape });
    return name;
  }

  /**
   * A constant tensor baked into the graph (an initializer): shapes for Reshape, axes for
   * reductions, small scalars. Equal constants are shared.
   */
  constant(type: ElementType | 'int64', dims: number[], values: number[]): string {
    const same = this.constants.find(
      (c) => c.type === type && sameNumbers(c.dims, dims) && sameNumbers(c.values, values),
    );
    if (same) return same.name;
    const name = `const_${this.counter++}`;
    this.constants.push({ name, type, dims, values });
    return name;
  }

  /** A scalar constant of the given element type. */
  scalar(type: ElementType, value: number): string {
    return this.constant(type, [], [value]);
  }

  /** A 1-D int64 constant (shapes, axes). */
  ints(values: number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    const out = `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ op, inputs, outputs: [out], attributes });
    return out;
  }

  /** Marks `value` as a graph output named `name`. */
  output(value: string, name: string, type: ElementType, shape: Dim[]): void {
    this.nodes.push({ op: 'Identity', inputs: [value], outputs: [name], attributes: {} });
    this.outputs.push({ name, type, shape });
  }

  /** A string that identifies the graph: equal signatures mean equal graphs. */
  signature(): string {
    return JSON.stringify([this.name, this.inputs, this.outputs, this.nodes, this.constants]);
  }

  build(): Uint8Array {
    const valueInfo = (v: ValueInfo) =>
      onnx.ValueInfoProto.create({
        name: v.name,
        type: {
          tensorType: {
            elemType: ELEMENT_TYPES[v.type],
            shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
          },
        },
      });
    const graph = onnx.GraphProto.create({
      name: this.name,
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
      initializer: this.constants.map((c) =>
        onnx.TensorProto.create({
          name: c.name,
          dims: c.dims,
          dataType: c.type === 'int64' ? onnx.TensorProto.DataType.INT64 : ELEMENT_TYPES[c.type],
          ...(c.type === 'int64'
            ? { int64Data: c.values }
            : c.type === 'float32'
              ? { floatData: c.values }
              : { doubleData: c.values }),
        }),
      ),
      node: this.nodes.map((n) =>
        onnx.NodeProto.create({
          opType: n.op,
          input: n.inputs,
          output: n.outputs,
          attribute: Object.entries(n.attributes).map(([name, value]) => attribute(name, value)),
        }),
      ),
    });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'ddlab',
      opsetImport: [{ domain: '', version: OPSET }],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function attribute(name: string, value: AttributeValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') {
    return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
  }
  if (Array.isArray(value)) {
    const allInts = value.every(Number.isInteger);
    return allInts
      ? onnx.AttributeProto.create({ name, type: T.INTS, ints: value })
      : onnx.AttributeProto.create({ name, type: T.FLOATS, floats: value });
  }
  return Number.isInteger(value)
    ? onnx.AttributeProto.create({ name, type: T.INT, i: value })
    : onnx.AttributeProto.create({ name, type: T.FLOAT, f: value });
}
