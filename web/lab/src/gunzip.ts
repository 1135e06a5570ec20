// Gzipped IDX files (the shipped subset, and what a user drops in) unpacked with the browser's own
// DecompressionStream; plain files pass through. Gzip is recognised by its magic bytes 1f 8b.
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
