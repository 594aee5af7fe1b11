/**
 * The agent's tools, run on the server: a calculator and a (deliberately slow)
 * lookup in a small knowledge base. A tool's failure is returned to the model
 * as text starting with "Error:", so it can recover, rather than failing the run.
 */
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';

/** How long a lookup takes: long enough that the page must show the call running. */
const LOOKUP_DELAY_MS = Number(process.env.LOOKUP_DELAY_MS ?? 1500);

const KNOWLEDGE: Readonly<Record<string, string>> = {
  'ag-ui':
    'AG-UI is an open protocol of typed events (RUN_STARTED, TEXT_MESSAGE_CONTENT, TOOL_CALL_START, …) between an agent backend and its user interface, usually sent as server-sent events.',
  playwright: 'Playwright drives real browsers (Chromium, Firefox, WebKit) for end-to-end tests.',
  aimock: 'aimock is a mock server that speaks the OpenAI API (and others), scripted by fixture files.',
};

export const TOOL_DEFINITIONS: ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'calculator',
      description: 'Evaluates an arithmetic expression with + - * / and parentheses.',
      parameters: {
        type: 'object',
        properties: { expression: { type: 'string', description: 'For example "12 * (3 + 4)"' } },
        required: ['expression'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'lookup',
      description: `Looks a topic up in the knowledge base (topics: ${Object.keys(KNOWLEDGE).join(', ')}). Slow.`,
      parameters: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
    },
  },
];

/** Runs a tool; the result is the text the model reads next. */
export async function runTool(name: string, argsJson: string, signal: AbortSignal): Promise<string> {
  let args: Record<string, unknown>;
  try {
    args = JSON.parse(argsJson || '{}') as Record<string, unknown>;
  } catch {
    return `Error: the arguments are not valid JSON: ${argsJson}`;
  }
  if (name === 'calculator') {
    const expression = String(args.expression ?? '');
    try {
      return JSON.stringify({ expression, value: evaluate(expression) });
    } catch (error) {
      return `Error: ${(error as Error).message}`;
    }
  }
  if (name === 'lookup') {
    await sleep(LOOKUP_DELAY_MS, signal);
    const topic = String(args.topic ?? '').toLowerCase();
    return KNOWLEDGE[topic] ?? `Error: nothing is known about "${topic}"`;
  }
  return `Error: there is no tool named ${name}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** A small recursive-descent evaluator: no `eval`, since the expression comes from a model. */
function evaluate(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let index = 0;
  const peek = () => tokens[index];
  const next = () => tokens[index++];
  const primary = (): number => {
    const token = next();
    if (token === '-') return -primary();
    if (token === '(') {
      const value = sum();
      if (next() !== ')') throw new Error(`missing ")" in ${expression}`);
      return value;
    }
    if (token === undefined || !/^\d/.test(token)) throw new Error(`unexpected ${token ?? 'end'} in ${expression}`);
    return Number(token);
  };
  const product = (): number => {
    let value = primary();
    while (peek() === '*' || peek() === '/') value = next() === '*' ? value * primary() : value / primary();
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (peek() === '+' || peek() === '-') value = next() === '+' ? value + product() : value - product();
    return value;
  };
  const value = sum();
  if (index < tokens.length) throw new Error(`unexpected ${peek()} in ${expression}`);
  return value;
}
