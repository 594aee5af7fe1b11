/**
 * The example's server on node:http: `POST /api/chat` (the AI SDK route),
 * `GET /healthz`, and the built page from dist/. Loopback only; `PORT` and
 * `HOST` move it, `LLM_BASE_URL` points the model at an OpenAI-compatible
 * server (the tests' LLM mock).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { POST } from './chat-route';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3300);
const staticDir = path.resolve(fileURLToPath(new URL('../dist', import.meta.url)));

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const server = createServer((req, res) => {
  route(req, res).catch((error: unknown) => {
    console.error(`${req.method} ${req.url} failed:`, error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('Internal server error');
  });
});

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
  if (req.method === 'POST' && url.pathname === '/api/chat')
    return send(res, await POST(await toRequest(req, res, url)));
  if (req.method === 'GET' && url.pathname === '/healthz') return void res.writeHead(200).end('ok');
  if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(url.pathname, res);
  res.writeHead(405).end();
}

/**
 * The node request as a web Request (its JSON body read first: a message
 * list is small), with a signal that aborts when the page goes away
 * mid-stream (the socket closes before the response has ended), so Stop
 * stops the model and the tools too.
 */
async function toRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<Request> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client went away'));
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Request(url, { method: 'POST', headers, body: Buffer.concat(chunks), signal: controller.signal });
}

/** Writes a web Response to the node response, streaming its body as it comes. */
async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('error', () => res.destroy());
  body.pipe(res);
}

async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
  const file = path.join(staticDir, path.normalize(decodeURIComponent(pathname)));
  const inside = file.startsWith(staticDir + path.sep);
  const found = inside
    ? await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    : false;
  // Unknown paths get the page (one-page app); the page is built by `npm run build`.
  const target = found ? file : path.join(staticDir, 'index.html');
  if (
    !(await stat(target).then(
      () => true,
      () => false,
    ))
  ) {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('The page is not built: run `npm run build` first.');
    return;
  }
  res.writeHead(200, { 'content-type': contentTypes[path.extname(target)] ?? 'application/octet-stream' });
  createReadStream(target).pipe(res);
}

server.listen(port, host, () => {
  console.log(`ai-sdk-chat listening on http://${host}:${port}`);
});
// A stream still open would hold close() up: end them all.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
