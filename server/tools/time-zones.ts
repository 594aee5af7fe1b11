/**
 * Finds the place a time question names ("what time is it in Tokyo?",
 * "time in New York", "date in Asia/Kolkata") and resolves it to an IANA time
 * zone for the clock tool, from the runtime's own list of zones.
 *
 * User text can be 16,000 characters and is read on the event loop, so this
 * is a plain token scan: no regex over the text, each token looked at a
 * bounded number of times, and only short tokens are ever folded or looked up.
 */
import { isSpace } from './text-scan';

/**
 * Current IANA names that older ICU versions (Node 20's among them) list under a former name,
 * e.g. `Asia/Calcutta`: people ask for Kolkata and Kyiv, so these are resolvable too. `UTC` and
 * `GMT` are not in the list at all. Any of them the runtime rejects is left out.
 */
const EXTRA_ZONES = [
  'UTC',
  'GMT',
  'Asia/Kolkata',
  'Europe/Kyiv',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Yangon',
  'America/Nuuk',
  'Atlantic/Faroe',
  'Pacific/Kanton',
];

/** A direct zone name longer than this is not one (the clock tool takes at most 100 characters). */
const MAX_ZONE_NAME = 64;
/** Only so many unknown `a/b` tokens are handed to Intl: a message full of slashes costs no more. */
const MAX_INTL_ATTEMPTS = 3;

function isSupported(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's place: the part after the last `/`, underscores as spaces (`America/New_York` → `New York`).
 * `Etc/` zones keep their whole name: `Etc/GMT+5` is five hours *behind* GMT, and `GMT+5` alone would mislead.
 */
export function placeName(timeZone: string): string {
  if (timeZone.startsWith('Etc/')) return timeZone;
  return timeZone.slice(timeZone.lastIndexOf('/') + 1).replaceAll('_', ' ');
}

interface ZoneTables {
  /** Lowercase full name (`asia/tokyo`) → IANA name. */
  byName: Map<string, string>;
  /** Lowercase place (`new york`) → IANA name. */
  byPlace: Map<string, string>;
  /** Every place and every run of words a place starts with (`port`, `port of`, `port of spain`). */
  prefixes: Set<string>;
  /** Most words in a place: longer runs are not looked up. */
  maxWords: number;
}

/** Built on first use, once: the list is fixed for the life of the process. */
let tables: ZoneTables | undefined;

function zoneTables(): ZoneTables {
  if (tables) return tables;
  const byName = new Map<string, string>();
  const byPlace = new Map<string, string>();
  const prefixes = new Set<string>();
  let maxWords = 1;
  for (const zone of [...Intl.supportedValuesOf('timeZone'), ...EXTRA_ZONES.filter(isSupported)]) {
    const place = placeName(zone).toLowerCase();
    if (!byName.has(zone.toLowerCase())) byName.set(zone.toLowerCase(), zone);
    if (!byPlace.has(place)) byPlace.set(place, zone);
    const words = place.split(' ');
    maxWords = Math.max(maxWords, words.length);
    for (let n = 1; n <= words.length; n++) prefixes.add(words.slice(0, n).join(' '));
  }
  tables = { byName, byPlace, prefixes, maxWords };
  return tables;
}

/** One whitespace-separated token, with the punctuation around it set aside. */
interface Token {
  /** Lowercase, accents removed (`São` → `sao`), without leading or trailing punctuation. */
  core: string;
  /** Punctuation came before or after the core, so a multi-word place cannot run across it. */
  leading: boolean;
  trailing: boolean;
}

/** Letters, digits, and what joins them inside a zone name or a place (`Port-au-Prince`, `Etc/GMT+5`). */
function isZoneChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '/' || ch === '_' || ch === '-' || ch === '+';
}

function isAlphanumeric(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/** `São` → `Sao`. Only ever called on short chunks (see tokensOf), so the regex works on a bounded string. */
function foldAccents(chunk: string): string {
  // Most chunks are plain ASCII: they skip the normalisation, which is most of the cost per chunk.
  for (let i = 0; i < chunk.length; i++) {
    if (chunk.charCodeAt(i) > 127) return chunk.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }
  return chunk;
}

/**
 * The token of one whitespace-separated chunk: lowercase ASCII, accents removed, punctuation around
 * it set aside; `undefined` when anything else is left inside (CJK, emoji, quotes).
 */
function tokenOf(chunk: string): Token | undefined {
  const ascii = foldAccents(chunk).toLowerCase();
  let start = 0;
  let end = ascii.length;
  while (start < end && !isAlphanumeric(ascii.charAt(start))) start++;
  while (end > start && !isAlphanumeric(ascii.charAt(end - 1))) end--;
  if (start === end) return undefined;
  for (let i = start; i < end; i++) if (!isZoneChar(ascii.charAt(i))) return undefined;
  return { core: ascii.slice(start, end), leading: start > 0, trailing: end < ascii.length };
}

/** The whitespace-separated tokens of the text, in one pass; unusable ones (and long ones) are `undefined`. */
function tokensOf(text: string): (Token | undefined)[] {
  const tokens: (Token | undefined)[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isSpace(text.charAt(i))) i++;
    const start = i;
    while (i < text.length && !isSpace(text.charAt(i))) i++;
    // Length first: folding and lookups only ever see short chunks, whatever the message.
    if (i > start) tokens.push(i - start > MAX_ZONE_NAME ? undefined : tokenOf(text.slice(start, i)));
  }
  return tokens;
}

/** Bounds the one lookup whose cost is not ours: Intl, for `a/b` names outside the tables. */
interface Budget {
  intlAttempts: number;
}

/** The zone a direct name stands for (`asia/tokyo`, or an alias Intl knows such as `us/pacific`). */
function zoneByName(name: string, budget: Budget): string | undefined {
  const known = zoneTables().byName.get(name);
  if (known || budget.intlAttempts <= 0) return known;
  budget.intlAttempts--;
  try {
    // Intl canonicalises aliases (`US/Pacific` → `America/Los_Angeles`), so the answer can name a place.
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zone named from token `k` on: a direct name, or the longest run of words that is a place. */
function zoneAt(tokens: readonly (Token | undefined)[], k: number, budget: Budget): string | undefined {
  const first = tokens[k];
  if (first?.core.includes('/')) return zoneByName(first.core, budget);
  const { byPlace, prefixes, maxWords } = zoneTables();
  let zone: string | undefined;
  let words = '';
  // Stops at the first run no place starts with, and after maxWords words at most: a constant per token.
  for (let j = k; j < k + maxWords; j++) {
    const token = tokens[j];
    if (!token || (j > k && token.leading)) break;
    words = j > k ? `${words} ${token.core}` : token.core;
    if (!prefixes.has(words)) break;
    zone = byPlace.get(words) ?? zone;
    if (token.trailing) break;
  }
  return zone;
}

/**
 * The IANA time zone of the first place named after "in" (`what time is it in New York?` →
 * `America/New_York`, `date in Asia/Kolkata` → `Asia/Kolkata`), or `undefined` when none is.
 * Places are the zones' cities, matched case- and accent-insensitively (`sao paulo`). One pass
 * over the text, then a bounded amount of work per token: linear in the length of the text.
 */
export function findTimeZone(text: string): string | undefined {
  const tokens = tokensOf(text);
  const budget: Budget = { intlAttempts: MAX_INTL_ATTEMPTS };
  for (let k = 0; k < tokens.length - 1; k++) {
    const token = tokens[k];
    if (token?.core !== 'in' || token.trailing) continue;
    const zone = zoneAt(tokens, k + 1, budget);
    if (zone) return zone;
  }
  return undefined;
}
