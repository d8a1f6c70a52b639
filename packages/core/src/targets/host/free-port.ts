import net from 'node:net';

/**
 * Ask the kernel for a free port on `host` (listen on 0, read the port, close). Another process could take it
 * before the instance binds; an instance that then fails is restarted like any crash, on the same port.
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
