import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ThreadNotifier } from '../runtime/notifier';
import type { RunManager } from '../runtime/run-manager';
import { ClientConnection } from './client-connection';

/** Just enough of a ws WebSocket for the send path. */
class FakeWebSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  send(frame: string): void {
    this.sent.push(frame);
  }
}

function connection() {
  const socket = new FakeWebSocket();
  const tcp = { corks: 0, uncorks: 0, cork: () => tcp.corks++, uncork: () => tcp.uncorks++ };
  const client = new ClientConnection(socket as unknown as WebSocket, {
    runs: {} as RunManager,
    notifier: new ThreadNotifier(),
    logger: pino({ level: 'silent' }),
    owner: 'u-1',
    tcpSocket: tcp,
  });
  return { client, socket, tcp };
}

describe('ClientConnection', () => {
  describe('#send', () => {
    it('should cork the TCP socket for the rest of the tick, so a batch of frames leaves in one write', async () => {
      const { client, socket, tcp } = connection();
      for (const frame of ['a', 'b', 'c']) client.send(frame);
      expect(tcp).toMatchObject({ corks: 1, uncorks: 0 });
      await new Promise((resolve) => process.nextTick(resolve));
      expect(tcp).toMatchObject({ corks: 1, uncorks: 1 });
      client.send('d');
      expect(tcp).toMatchObject({ corks: 2, uncorks: 1 });
      expect(socket.sent).toEqual(['a', 'b', 'c', 'd']);
    });
  });
});
