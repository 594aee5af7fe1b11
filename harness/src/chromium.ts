/**
 * Finds the Chromium a suite runs in: `CHROMIUM_PATH` if set, else
 * Playwright's own download when installed, else a system Chromium (Debian's
 * packages, for machines where Playwright cannot download its browser).
 */
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from '@playwright/test';

/**
 * System browsers tried, in order, when Playwright's own is absent. Headless
 * runs prefer the old headless shell (Debian's `chromium-headless-shell`), as
 * Playwright itself does: it starts pages far faster than full Chromium.
 */
const SYSTEM_HEADLESS_SHELL_PATHS = ['/usr/bin/chromium-headless-shell'] as const;
const SYSTEM_CHROMIUM_PATHS = [
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

type ChromiumSource = 'env' | 'playwright' | 'system' | 'none';

export interface ResolvedChromium {
  source: ChromiumSource;
  /** Undefined means "let Playwright use its own browser". */
  executablePath?: string;
}

export interface ResolveOptions {
  /** Whether the browser runs headless (the headless shell is then preferred). @default true */
  headless?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function resolveChromium({ headless = true, env = process.env }: ResolveOptions = {}): ResolvedChromium {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { source: 'env', executablePath: fromEnv };
  }
  if (existsSync(chromium.executablePath())) return { source: 'playwright' };
  const candidates = headless ? [...SYSTEM_HEADLESS_SHELL_PATHS, ...SYSTEM_CHROMIUM_PATHS] : SYSTEM_CHROMIUM_PATHS;
  const system = candidates.find((candidate) => existsSync(candidate));
  return system ? { source: 'system', executablePath: system } : { source: 'none' };
}

/** True when Playwright was asked for a visible browser (`--headed`, `--ui`, `--debug`, PWDEBUG). */
export function isHeadedRun(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.PWDEBUG) || argv.some((arg) => ['--headed', '--ui', '--debug'].includes(arg));
}

/**
 * Launch options for `use.launchOptions` in a Playwright config: the browser
 * `resolveChromium` finds for this run (headed for `--headed`/`--ui`), with
 * the flags that keep it from calling home.
 */
export function chromiumLaunchOptions(): LaunchOptions {
  const { executablePath } = resolveChromium({ headless: !isHeadedRun() });
  return { ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS] };
}
