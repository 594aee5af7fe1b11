/**
 * A load balancer of the test's own: a TCP proxy on a free loopback port that
 * sends new connections (HTTP and WebSocket alike) to one backend, until told
 * to switch; a switch cuts every open connection, as a balancer that moves a
 * client to another node does, so the page reconnects to the new one.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class LoadBalancer {
  readonly #server: Server;
  readonly #open = new Set<Socket>();
  #backendPort: number;

  private constructor(server: Server, backendPort: number) {
    this.#server = server;
    this.#backendPort = backendPort;
  }

  static async start(backendPort: number): Promise<LoadBalancer> {
    const server = createServer();
    const balancer = new LoadBalancer(server, backendPort);
    server.on('connection', (client) => balancer.#forward(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return balancer;
  }

  get url(): string {
    const address = this.#server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** New connections go to `backendPort`; the open ones are cut. */
  switchTo(backendPort: number): void {
    this.#backendPort = backendPort;
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
  }

  async stop(): Promise<void> {
    for (const socket of this.#open) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #forward(client: Socket): void {
    const backend = createConnection({ port: this.#backendPort, host: '127.0.0.1' });
    for (const socket of [client, backend]) {
      this.#open.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.#open.delete(socket);
        client.destroy();
        backend.destroy();
      });
    }
    client.pipe(backend);
    backend.pipe(client);
  }
}
