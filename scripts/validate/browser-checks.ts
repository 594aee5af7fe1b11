/**
 * The quick validation's browser checks (see scripts/validate.ts), bundled
 * apart and loaded once the servers are starting: Playwright takes half a
 * second to load. Each check gets a fresh context of the one shared browser
 * and proves what the page drew through the harness, not only what arrived.
 */
import { type Browser, chromium, type Page } from '@playwright/test';
import { injectSocketFault, silenceFirstSocket } from '../../e2e/support/socket-faults';
import { scaled } from '../../e2e/support/timeouts';
// The harness from source: its package entry also loads the AI SDK and AG-UI adapters, which cost a second to import.
import { ourProtocol } from '../../harness/src/adapters/ours';
import { chromiumLaunchOptions } from '../../harness/src/chromium';
import { createHarness } from '../../harness/src/fixtures';
import { expect as harnessExpect } from '../../harness/src/matchers';
import { chatPageUi } from '../../harness/src/presets';
import type { AgentRuns, HarnessTurn } from '../../harness/src/runs';
import { checkRunLifecycle, formatViolations, type RunEvent } from '../../protocol';
import type { Check } from './check';

// Outside the test runner the matchers wait 5 s by default: give a busy machine the suite's time, scaled the same way.
const expect = harnessExpect.configure({ timeout: scaled(10_000) });

const { watch } = createHarness({ protocol: ourProtocol(), ui: chatPageUi });
const REQUIRED = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'] as const;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

interface ChatPage {
  page: Page;
  runs: AgentRuns;
  send(text: string): Promise<HarnessTurn>;
}

/** A new guest's page on `url`, watched by the harness, ready to send. */
async function openChat(
  browser: Browser,
  url: string,
  prepare?: (page: Page) => Promise<unknown>,
  query = '',
): Promise<ChatPage> {
  const context = await browser.newContext({ baseURL: url });
  const page = await context.newPage();
  await prepare?.(page);
  const runs = await watch(page);
  await page.goto(query ? `/?${query}` : '/');
  const sendButton = page.getByRole('button', { name: 'Send' });
  await expect(sendButton).toBeEnabled();
  const turns = page.getByRole('log', { name: 'Conversation' }).locator('article');
  const send = async (text: string) => {
    const index = await turns.count();
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await sendButton.click();
    await expect(turns.nth(index)).toHaveAttribute('data-run-id', /.+/);
    const runId = (await turns.nth(index).getAttribute('data-run-id')) as string;
    return runs.turn(runId);
  };
  return { page, runs, send };
}

function expectValid(events: readonly RunEvent[], what: string): void {
  const violations = checkRunLifecycle(events);
  expect(violations, `${what}:\n${formatViolations(violations)}`).toEqual([]);
}

/** The answer the page shows for a turn equals the run's final text: nothing lost, nothing drawn twice. */
async function expectWholeAnswer(chat: ChatPage, turn: HarnessTurn): Promise<void> {
  const completed = (await chat.runs.events(turn.runId)).findLast((event) => event.type === 'agent_completed');
  const text = completed?.type === 'agent_completed' ? completed.payload.text : undefined;
  await expect(turn.root.locator('.answer')).toHaveText(text ?? '(no agent_completed)');
}

export function browserChecks(browser: Browser, url: string): Check[] {
  return [
    {
      name: 'the five required events are sent and drawn; a second message continues the thread',
      async run() {
        const chat = await openChat(browser, url);
        const first = await chat.send('/scenario slow-tool 100');
        await expect(first).toCompleteRun();
        for (const type of REQUIRED) await expect(first).toHaveRendered(type);
        const second = await chat.send('/scenario basic');
        await expect(second).toCompleteRun();
        await expect(second).toHaveRendered('partial_result');
        const events = await chat.runs.events();
        expect(new Set(events.map((event) => event.threadId)).size, 'one thread for both messages').toBe(1);
        expectValid(events, 'the thread, both runs');
      },
    },
    {
      name: 'a frame delivered twice is drawn once',
      async run() {
        const chat = await openChat(browser, url, (page) => injectSocketFault(page, { duplicate: () => true }));
        const turn = await chat.send('/scenario basic');
        await expect(turn).toCompleteRun();
        await expect(turn.root.getByRole('list', { name: 'Tool calls' }).getByRole('listitem')).toHaveCount(1);
        await expectWholeAnswer(chat, turn);
      },
    },
    {
      name: 'a socket that goes silent mid-run without closing: the page reconnects, resumes and finishes',
      async run() {
        let sockets = () => 0;
        let silencedOn: number | undefined;
        const silence = async (page: Page) => {
          sockets = await silenceFirstSocket(page, {
            silent: () => silencedOn !== undefined,
            answersClose: false,
            delivered: (frame) => {
              if (frame.type === 'tool_executing') silencedOn ??= sockets();
            },
          });
        };
        const chat = await openChat(browser, url, silence, `stallTimeoutMs=${scaled(500)}`);
        const turn = await chat.send('/scenario slow-tool 100');
        await expect(turn).toCompleteRun();
        // Proven only if the run began on the first socket, which then went silent, and a later one finished it.
        expect(silencedOn, 'the socket the tool started on').toBe(1);
        expect(sockets(), 'sockets the page opened').toBeGreaterThanOrEqual(2);
        for (const type of REQUIRED) await expect(turn).toHaveRendered(type);
        await expectWholeAnswer(chat, turn);
      },
    },
  ];
}
