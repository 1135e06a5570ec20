// Leases: which coordinator (`ddlab run`) owns a running trial. The owner id names the host and the
// process, plus a random token (a pid is reused eventually; the token tells two owners apart). The
// owner renews a heartbeat while it runs; a lease ends when the heartbeat is older than LEASE_MS
// (an owner on another host that stopped or lost the store), or at once when the owner is a process
// on this host that no longer exists (killed): then another coordinator takes the trial over.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** How often a coordinator renews the heartbeat of its running trials. */
export const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this ends the lease. Generous: a busy event loop may renew late. */
export const LEASE_MS = 60_000;

/** A new owner id for this process: host:pid:token. */
export function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

/** Host and pid of an owner id; undefined for one that is not an owner id. */
export function parseOwner(owner: string): { host: string; pid: number } | undefined {
  const m = /^(.*):(\d+):[0-9a-z]+$/.exec(owner);
  return m ? { host: m[1], pid: Number(m[2]) } : undefined;
}

/** 'process P on host H', for messages. */
export function describeOwner(owner: string): string {
  const o = parseOwner(owner);
  return o ? `process ${o.pid} on host ${o.host}` : `'${owner}'`;
}

/** Whether a running trial's lease has ended, so that another owner may take the trial. */
export function leaseExpired(owner: string | null, heartbeat: number | null, now: number): boolean {
  if (owner === null || heartbeat === null) return true; // a store from before leases
  if (now - heartbeat > LEASE_MS) return true;
  const o = parseOwner(owner);
  return !o || (o.host === hostname() && !processExists(o.pid));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
