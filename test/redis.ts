// A real Redis for queue tests: REDIS_URL when set; else the one these machines run on
// 127.0.0.1:6379; else a redis-server started on a free port for this test file. Never a skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

let started: ChildProcess | undefined;

export async function testRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  if (await answersPing(6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => {} };
  const port = await freePort();
  try {
    started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
  } catch {
    throw new Error(
      'no Redis: set REDIS_URL, or install redis-server (Debian: apt-get install redis-server)',
    );
  }
  const child = started;
  const failed = new Promise<never>((_, reject) =>
    child.once('error', () =>
      reject(
        new Error(
          'redis-server could not start: install it (apt-get install redis-server) or set REDIS_URL',
        ),
      ),
    ),
  );
  for (let i = 0; i < 100; i++) {
    const ok = await Promise.race([answersPing(port), failed]);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}
