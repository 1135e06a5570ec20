// A throwaway redis-server (Debian's package) for tests: loopback only, no persistence, on a free
// port; plain or TLS with a self-signed certificate made by openssl in a temp folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { tempDir } from './sweep-cli-helpers.js';

export interface RedisServer {
  port: number;
  /** redis:// (or rediss://) URL of this server, with `credentials` (user:password) if given. */
  url: (credentials?: string) => string;
  /** A plain client for checks (the tests' own, not ddlab's). */
  client: () => Redis;
  /** The self-signed certificate a TLS client must trust (NODE_EXTRA_CA_CERTS), if TLS. */
  certificate?: string;
  stop: () => Promise<void>;
  /** Starts the server again on the same port, empty. */
  restart: () => Promise<void>;
}

export interface RedisServerOptions {
  tls?: boolean;
  /** An ACL user 'name:password' with all rights (the default user stays open). */
  user?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(new Error(`cannot start redis-server (install Debian's redis-server): ${e.message}`)),
    );
    const t0 = Date.now();
    const attempt = () => {
      const socket = createConnection(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() - t0 > 10_000) reject(new Error('redis-server did not start'));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = tempDir('ddlab-redis-');
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  let certificate: string | undefined;
  if (options.tls) {
    certificate = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    // Self-signed for 127.0.0.1 (the name a client checks), valid for a day.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        certificate,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', certificate);
    args.push('--tls-key-file', key, '--tls-ca-cert-file', certificate, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  if (options.user) {
    const [name, password] = options.user.split(':');
    const aclFile = join(dir, 'users.acl');
    writeFileSync(aclFile, `user ${name} on >${password} ~* &* +@all\n`);
    args.push('--aclfile', aclFile);
  }
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForPort(port, child);
  };
  await launch();
  const scheme = options.tls ? 'rediss' : 'redis';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return {
    port,
    url: (credentials) => `${scheme}://${credentials ? `${credentials}@` : ''}127.0.0.1:${port}`,
    client: () => {
      const client = new Redis(port, '127.0.0.1', {
        maxRetriesPerRequest: null,
        ...(certificate ? { tls: { ca: [readFileSync(certificate)] } } : {}),
      });
      client.on('error', () => {}); // tests stop the server on purpose
      return client;
    },
    certificate,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
