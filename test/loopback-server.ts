/**
 * The real servers the tests start (Placement, Prometheus, the VS Code server): a free loopback
 * port, and a bounded wait until the server answers, with a stop that ends it by PID.
 */
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * Waits (at most 60 s) until `readyUrl` answers 200; returns the stop function, which ends the
 * process by PID and removes its folder. A server that never gets ready is stopped, then an error.
 */
export async function serveUntilReady(name: string, server: ChildProcess, readyUrl: string, headers: Record<string, string>, dir: string): Promise<() => void> {
  const stop = () => {
    if (server.pid && server.exitCode === null) process.kill(server.pid, 'SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 60000;
  for (;;) {
    try {
      if ((await fetch(readyUrl, { headers })).status === 200) return stop;
    } catch { /* starting */ }
    if (Date.now() > end) {
      stop();
      throw new Error(`${name} did not answer in 60 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
