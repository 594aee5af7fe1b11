/**
 * The page's session: the server keeps it in an HttpOnly cookie, so the page
 * only asks whether it has one and opens a guest session when it does not.
 */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Pick<Response, 'ok' | 'status'>>;

/** Makes sure a valid session cookie is set; resolves false when the server refused to open one. */
export async function ensureSession(fetchFn: FetchLike = fetch, name = 'Guest'): Promise<boolean> {
  const current = await fetchFn('/api/session', { credentials: 'same-origin' });
  // 200: a session; 204: none yet (a first visit); 401: an expired or invalid one.
  if (current.status === 200) return true;
  const created = await fetchFn('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return created.ok;
}
