import { createServer } from 'node:net';

/**
 * A TCP port no process listens on now, chosen by the system: listened on and closed. A port
 * drawn at random may be one the system has given a client connection (its ephemeral range
 * starts at 32768), and a server started on it then fails with EADDRINUSE.
 *
 * @param host where the server will listen: `::` (what `app.listen(port)` binds) covers IPv4 too
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
