/**
 * Starting and stopping the HTTPS servers (the audit webhook of `detect serve`, the admission
 * webhook of `admission serve`) the same way.
 */
import type { Server } from 'node:net';

/** Listens on host:port (0 picks a free port) and resolves with the port, or rejects with the listen error. */
export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}

/** What closeGracefully needs: an HTTP(S) server's close and connection-dropping methods. */
export interface ClosableServer {
  close(callback?: (err?: Error) => void): unknown;
  closeIdleConnections(): void;
  closeAllConnections(): void;
}

/**
 * Stops accepting connections, closes idle keep-alive connections now, lets requests in flight
 * finish, and drops whatever is still open after `graceMs`.
 */
export function closeGracefully(server: ClosableServer, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
