/**
 * Finds the Chromium the suite runs in: `CHROMIUM_PATH` if set, else
 * Playwright's own download when installed, else a system Chromium (Debian's
 * `chromium`, for machines where Playwright cannot download its browser).
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** System browsers tried, in order, when Playwright's own is absent. */
export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
] as const;

/** Keeps Chromium from calling home, which a closed network answers with slow failures. */
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
] as const;

export type ChromiumSource = 'env' | 'playwright' | 'system' | 'none';

export interface ResolvedChromium {
  source: ChromiumSource;
  /** Undefined means "let Playwright use its own browser". */
  executablePath?: string;
}

export function resolveChromium(env: NodeJS.ProcessEnv = process.env): ResolvedChromium {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { source: 'env', executablePath: fromEnv };
  }
  if (existsSync(chromium.executablePath())) return { source: 'playwright' };
  const system = SYSTEM_CHROMIUM_PATHS.find((candidate) => existsSync(candidate));
  return system ? { source: 'system', executablePath: system } : { source: 'none' };
}
