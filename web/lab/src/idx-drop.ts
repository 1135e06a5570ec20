// A user's own data set: the four MNIST-format IDX files, recognised by their usual names
// (train-images…, train-labels…, t10k-/test-images…, t10k-/test-labels…; plain or .gz).
import type { DataSource } from './compute-protocol';

type Role = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

function role(name: string): Role | undefined {
  const n = name.toLowerCase();
  const train = n.includes('train');
  const test = n.includes('t10k') || n.includes('test');
  const images = n.includes('images') || n.includes('idx3');
  const labels = n.includes('labels') || n.includes('idx1');
  if (train === test || images === labels) return undefined;
  return train ? (images ? 'trainImages' : 'trainLabels') : images ? 'testImages' : 'testLabels';
}

export async function idxFilesFromDrop(files: File[]): Promise<DataSource> {
  const found: Partial<Record<Role, File>> = {};
  for (const f of files) {
    const r = role(f.name);
    if (!r)
      throw new Error(
        `${f.name}: not recognised as train/test images/labels (expected names like train-images-idx3-ubyte.gz)`,
      );
    if (found[r]) throw new Error(`two files for ${r}: ${found[r].name} and ${f.name}`);
    found[r] = f;
  }
  const roles: Role[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];
  const missing = roles.filter((r) => !found[r]);
  if (missing.length) throw new Error(`missing IDX files: ${missing.join(', ')} (drop all four at once)`);
  const buffers = await Promise.all(roles.map((r) => found[r]!.arrayBuffer()));
  return {
    from: 'files',
    name: files.map((f) => f.name).join(', '),
    files: Object.fromEntries(roles.map((r, i) => [r, buffers[i]])) as Record<Role, ArrayBuffer>,
  };
}
