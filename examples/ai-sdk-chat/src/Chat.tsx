/**
 * The chat page, as the AI SDK docs build one: `useChat` with the default
 * transport to `/api/chat`, each message drawn from its `parts` (text,
 * reasoning, tool calls with their state), the status while a response is
 * on its way, the error, and Stop / Send.
 */
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, getToolName, isToolUIPart, type UIMessage } from 'ai';
import { type FormEvent, useState } from 'react';

type Part = UIMessage['parts'][number];

const toolStateLabels: Readonly<Record<string, string>> = {
  'input-streaming': 'Preparing…',
  'input-available': 'Running…',
  'approval-requested': 'Waiting for approval',
  'approval-responded': 'Approved',
  'output-available': 'Done',
  'output-error': 'Failed',
  'output-denied': 'Denied',
};

export function Chat() {
  const { messages, sendMessage, status, error, stop, regenerate } = useChat({
    transport: new DefaultChatTransport({ api: '/api/chat' }),
  });
  const [input, setInput] = useState('');
  const busy = status === 'submitted' || status === 'streaming';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!input.trim() || busy) return;
    sendMessage({ text: input });
    setInput('');
  };

  return (
    <main className="chat">
      <h1>AI SDK chat</h1>
      <ol className="messages">
        {messages.map((message) => (
          <li key={message.id} className={`message ${message.role}`}>
            <span className="role">{message.role === 'user' ? 'You' : 'Assistant'}</span>
            {message.parts.map((part, index) => (
              // Parts have no id of their own; their position is stable while a message streams.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <MessagePart key={index} part={part} />
            ))}
          </li>
        ))}
      </ol>

      {busy && (
        <p className="status" role="status">
          {status === 'submitted' ? 'Thinking…' : 'Answering…'}
        </p>
      )}

      {error && (
        <div className="error" role="alert">
          <p>Something went wrong: {error.message}</p>
          <button type="button" onClick={() => regenerate()}>
            Retry
          </button>
        </div>
      )}

      <form className="composer" onSubmit={onSubmit}>
        <input
          aria-label="Message"
          value={input}
          onChange={(event) => setInput(event.target.value)}
          placeholder="Ask something…"
        />
        {busy && (
          <button type="button" className="stop" onClick={() => stop()}>
            Stop
          </button>
        )}
        <button type="submit" disabled={busy || !input.trim()}>
          Send
        </button>
      </form>
    </main>
  );
}

function MessagePart({ part }: { part: Part }) {
  if (part.type === 'text') return <p className="text">{part.text}</p>;
  if (part.type === 'reasoning') {
    return (
      <details className="reasoning" open={part.state === 'streaming'}>
        <summary>Reasoning</summary>
        <p>{part.text}</p>
      </details>
    );
  }
  if (isToolUIPart(part)) {
    return (
      <div className={`tool ${part.state}`}>
        <span className="tool-name">{getToolName(part)}</span>{' '}
        <span className="tool-state">{toolStateLabels[part.state]}</span>
        {part.input !== undefined && <pre className="tool-input">{JSON.stringify(part.input)}</pre>}
        {part.state === 'output-available' && <pre className="tool-output">{JSON.stringify(part.output)}</pre>}
        {part.state === 'output-error' && <p className="tool-error">{part.errorText}</p>}
      </div>
    );
  }
  return null;
}
