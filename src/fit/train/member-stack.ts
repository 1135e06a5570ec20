// The two layouts of an ensemble's activations: member-major columns (batch, M·units), as the
// shared first layer and the loss see them, and the stack (M, batch, units) that batched MatMuls
// of equal members read (ensemble-plan.ts).
import type { GraphBuilder } from '../../engine/onnx-graph.js';

/** (batch, M·units) → (M, batch, units): member-major columns into the stack. */
export function toStack(g: GraphBuilder, t: string, members: number, units: number): string {
  return g.node('Transpose', [g.node('Reshape', [t, g.ints([0, members, units])])], { perm: [1, 0, 2] });
}

/** (M, batch, units) → (batch, M·units): the inverse of toStack. */
export function fromStack(g: GraphBuilder, t: string): string {
  return g.node('Reshape', [g.node('Transpose', [t], { perm: [1, 0, 2] }), g.ints([0, -1])]);
}
