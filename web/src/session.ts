/**
 * The page's session: the server keeps it in an HttpOnly cookie, so the page
 * only asks whether it has one and opens a guest session when it does not.
 */
import { httpErrorBodySchema } from '../../protocol';

export type FetchLike = (
  input: string,
  init?: RequestInit,
) => Promise<Pick<Response, 'ok' | 'status'> & { json?: () => Promise<unknown> }>;

/** A session is there, or the server refused to open one, and why (its own words when it gave some). */
export type SessionResult = { ok: true } | { ok: false; status: number; message: string };

/** Makes sure a valid session cookie is set. */
export async function ensureSession(fetchFn: FetchLike = fetch, name = 'Guest'): Promise<SessionResult> {
  const current = await fetchFn('/api/session', { credentials: 'same-origin' });
  // 200: a session; 204: none yet (a first visit); 401: an expired or invalid one.
  if (current.status === 200) return { ok: true };
  const created = await fetchFn('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (created.ok) return { ok: true };
  const body = httpErrorBodySchema.safeParse(await created.json?.().catch(() => undefined));
  return {
    ok: false,
    status: created.status,
    message: body.success ? body.data.error.message : `the server answered ${created.status}`,
  };
}
