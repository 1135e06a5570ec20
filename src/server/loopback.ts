// Which addresses are this machine only. `ddlab serve` listens on loopback by default; any other
// address exposes the store and the power to start sweeps to the network, so it needs a token.
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
