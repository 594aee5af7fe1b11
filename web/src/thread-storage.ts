/**
 * The tab's thread survives a reload: the page keeps its id in sessionStorage
 * and resumes it after the reload. The key is part of what tests may read.
 */
export const THREAD_STORAGE_KEY = 'agent-chat.threadId';

export function storedThread(storage: Pick<Storage, 'getItem'>): string | undefined {
  return storage.getItem(THREAD_STORAGE_KEY) ?? undefined;
}

/** Remembers the thread, or forgets it (undefined: New chat, or a thread the server no longer knows). */
export function storeThread(storage: Pick<Storage, 'setItem' | 'removeItem'>, threadId: string | undefined): void {
  if (threadId) storage.setItem(THREAD_STORAGE_KEY, threadId);
  else storage.removeItem(THREAD_STORAGE_KEY);
}
