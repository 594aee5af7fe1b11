/**
 * Opens a session as a new guest user over HTTP, the way a page does: for
 * tests, benches and scripts that talk to a server of their own.
 */

export interface SignedIn {
  /** Pass it as `?token=` on `/ws`, or as the `agent_session` cookie. */
  token: string;
  userId: string;
}

export async function signIn(baseUrl: string, name = 'tester'): Promise<SignedIn> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as SignedIn;
}
