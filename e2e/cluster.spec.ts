/**
 * Two server processes share threads through Redis, behind a load balancer
 * that moves the page from one to the other mid-run: the page follows the run
 * on the node that does not run it, with no event lost or received twice; a
 * cancel sent to that node stops the run on the other; and when the node that
 * runs it is killed (SIGKILL), the page shows the run as interrupted.
 */
import type { WebSocket } from '@playwright/test';
import { expect, test } from './fixtures';
import { scaled } from './support/timeouts';

/** Every run event's seq the page received, per socket, in order. */
function recordSeqs(page: import('@playwright/test').Page): number[][] {
  const sockets: number[][] = [];
  page.on('websocket', (socket: WebSocket) => {
    const seqs: number[] = [];
    sockets.push(seqs);
    socket.on('framereceived', ({ payload }) => {
      const seq = /"seq":(\d+)/.exec(String(payload))?.[1];
      if (seq !== undefined && String(payload).startsWith('{"type":')) seqs.push(Number(seq));
    });
  });
  return sockets;
}

test.describe('two nodes behind a load balancer', () => {
  test.describe.configure({ timeout: scaled(60_000) });

  test('follows a run on the other node after a switch, with no event lost or received twice', async ({
    chat,
    page,
    twoNodes,
    agentRuns,
  }) => {
    const { nodes, balancer } = twoNodes;
    const sockets = recordSeqs(page);
    await chat.open({ base: balancer.url });
    const turn = await chat.send('/scenario bench-page count=150 perSecond=40');
    await expect(turn.answer).toContainText('token 20 ');
    balancer.switchTo(nodes[1].port);
    expect(await nodes[0].activeRuns(), 'the first node still runs it').toBe(1);
    await expect(turn).toCompleteRun();
    expect(await nodes[1].activeRuns(), 'the second node never ran it').toBe(0);
    const completed = await agentRuns.completion(turn.runId);
    await expect(turn.answer).toHaveText(completed.payload.text ?? '');
    expect(sockets.length, 'the page reconnected through the balancer').toBeGreaterThanOrEqual(2);
    const received = sockets.flat();
    expect(new Set(received).size, 'no event received twice').toBe(received.length);
    expect(
      [...received].sort((a, b) => a - b),
      'no event lost',
    ).toEqual(received.map((_, i) => i + 1));
  });

  test('stops a run on one node from the Stop button of a page on the other', async ({ chat, twoNodes }) => {
    const { nodes, balancer } = twoNodes;
    await chat.open({ base: balancer.url });
    const turn = await chat.send('/scenario slow-tool 60000');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'running');
    balancer.switchTo(nodes[1].port);
    await expect(chat.stopButton).toBeEnabled();
    await chat.stopButton.click();
    await expect(turn).toCompleteRun({ status: 'cancelled' });
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'error');
    await expect.poll(() => nodes[0].activeRuns()).toBe(0);
  });

  test('shows a run as interrupted when the node running it is killed', async ({ chat, twoNodes }) => {
    const { nodes, balancer } = twoNodes;
    await chat.open({ base: balancer.url });
    const turn = await chat.send('/scenario slow-tool 60000');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'running');
    balancer.switchTo(nodes[1].port);
    await nodes[0].crash();
    await expect(turn).toCompleteRun({ status: 'interrupted' });
    await expect(turn.status).toHaveText('Interrupted: the server running it stopped before the run finished');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'error');
    await expect(chat.sendButton).toBeEnabled();
  });
});
