/**
 * Small talk for the default agent: spots a message that is only a greeting
 * ("hi", "good morning") or a question about the agent itself ("what can you
 * do?", "help", "who are you?"), and writes the answer: a greeting where apt,
 * what the agent can do, and example questions to try.
 *
 * The whole message must be made of the phrases below (plus filler such as
 * "there" or "please"), so anything concrete ("hi, what is 2+2?") is left to
 * the tools. User text can be 16,000 characters and is read on the event
 * loop: one pass over it, no regex over the text, and the scan gives up at
 * the first word that no phrase uses.
 */

/** What a small-talk message asks for. */
export interface SmallTalk {
  /** The greeting to open with (`Good morning!`), when the message greets. */
  greeting?: string;
}

/** Questions to try, shown in every small-talk answer; each is answered by a different tool. */
export const EXAMPLE_QUESTIONS = [
  'what is 12 * (3 + 4)?',
  'what time is it in Tokyo?',
  'how do I run the tests?',
  'which events does a run emit?',
] as const;

/** Greeting phrases, and the greeting each gets back. */
const GREETINGS: Record<string, string> = {
  hi: 'Hi!',
  hey: 'Hey!',
  heya: 'Hey!',
  hiya: 'Hi!',
  howdy: 'Howdy!',
  hello: 'Hello!',
  hallo: 'Hello!',
  hola: 'Hello!',
  bonjour: 'Hello!',
  ciao: 'Hello!',
  yo: 'Hey!',
  greetings: 'Hello!',
  'good morning': 'Good morning!',
  morning: 'Good morning!',
  'good afternoon': 'Good afternoon!',
  afternoon: 'Good afternoon!',
  'good evening': 'Good evening!',
  evening: 'Good evening!',
  'good day': 'Good day!',
  "what's up": 'Hey!',
  'whats up': 'Hey!',
  sup: 'Hey!',
  'how are you': "Hello! I'm running fine, thanks for asking.",
  'how are you doing': "Hello! I'm running fine, thanks for asking.",
  'how are you today': "Hello! I'm running fine, thanks for asking.",
  "how's it going": "Hello! It's going well, thanks for asking.",
  'hows it going': "Hello! It's going well, thanks for asking.",
  'how is it going': "Hello! It's going well, thanks for asking.",
  'nice to meet you': 'Nice to meet you too!',
};

/** Questions about the agent itself. */
const CAPABILITY_QUESTIONS = [
  'help',
  'help me',
  'i need help',
  'can you help',
  'can you help me',
  'could you help me',
  'how can you help',
  'how can you help me',
  'what can you help with',
  'what can you help me with',
  'what can you do',
  'what else can you do',
  'what do you do',
  'what are you able to do',
  'what are you capable of',
  'what are your capabilities',
  'what are your features',
  'what are your skills',
  'what do you know',
  'what tools do you have',
  'which tools do you have',
  'what can i ask',
  'what can i ask you',
  'what should i ask',
  'what should i ask you',
  'what can i do here',
  'who are you',
  'what are you',
  'who is this',
  'what is this',
  "what's this",
  'who am i talking to',
  'how does this work',
  'how does it work',
  'how do you work',
  'how do i use this',
  'how do i use you',
  'tell me about yourself',
  'introduce yourself',
  'capabilities',
  'commands',
  'examples',
  'give me some examples',
  'show me some examples',
];

/** Words that change nothing about what a greeting or question asks ("hi there, assistant"). */
const FILLER = [
  'there',
  'assistant',
  'bot',
  'please',
  'pls',
  'again',
  'so',
  'and',
  'ok',
  'okay',
  'um',
  'uh',
  'hmm',
  'well',
  'oh',
  'friend',
  'everyone',
  'all',
  'folks',
  'then',
  'now',
  'actually',
];

/** More words than this is not small talk: someone who says this much is asking something. */
const MAX_WORDS = 40;

type Phrase = { kind: 'greeting'; reply: string } | { kind: 'capability' } | { kind: 'filler' };

/** Runs of one repeated character count once, so "hiii" is "hi" and "helloooo" is "hello" ("helo" both). */
function squeeze(word: string): string {
  let squeezed = '';
  for (let i = 0; i < word.length; i++) if (word.charAt(i) !== word.charAt(i - 1)) squeezed += word.charAt(i);
  return squeezed;
}

interface PhraseTable {
  /** Squeezed words joined by one space → phrase. */
  phrases: Map<string, Phrase>;
  /** Every squeezed word of every phrase: any other word ends the scan. */
  vocabulary: Set<string>;
  maxWordLength: number;
  maxPhraseWords: number;
}

function buildTable(): PhraseTable {
  const phrases = new Map<string, Phrase>();
  const add = (text: string, phrase: Phrase) => phrases.set(text.split(' ').map(squeeze).join(' '), phrase);
  for (const text of FILLER) add(text, { kind: 'filler' });
  for (const text of CAPABILITY_QUESTIONS) add(text, { kind: 'capability' });
  for (const [text, reply] of Object.entries(GREETINGS)) add(text, { kind: 'greeting', reply });
  const vocabulary = new Set([...phrases.keys()].flatMap((key) => key.split(' ')));
  return {
    phrases,
    vocabulary,
    maxWordLength: Math.max(...[...vocabulary].map((word) => word.length)),
    maxPhraseWords: Math.max(...[...phrases.keys()].map((key) => key.split(' ').length)),
  };
}

const TABLE = buildTable();
const APOSTROPHES = new Set(["'", '\u2018', '\u2019']);
/** Letters, digits and marks of any script, tested one code point at a time: nothing to backtrack. */
const WORD_CHAR_RE = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128) return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
  return WORD_CHAR_RE.test(ch);
}

/**
 * The message's words, lowercased and squeezed; `undefined` as soon as one is not in the vocabulary,
 * grows longer than any word in it, or there are more than MAX_WORDS: a bounded amount of work per
 * character, and most messages are given up on at their first real word.
 */
function wordsOf(text: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  const finish = (): boolean => {
    // Apostrophes join a word (`what's`) but do not start or end one (`'hi'`).
    let start = 0;
    let end = word.length;
    while (start < end && word.charAt(start) === "'") start++;
    while (end > start && word.charAt(end - 1) === "'") end--;
    const found = word.slice(start, end);
    word = '';
    if (!found) return true;
    words.push(found);
    return TABLE.vocabulary.has(found) && words.length <= MAX_WORDS;
  };
  for (const ch of text) {
    const part = APOSTROPHES.has(ch) ? "'" : isWordChar(ch) ? ch.toLowerCase() : '';
    if (!part) {
      if (word && !finish()) return undefined;
    } else if (part !== word.charAt(word.length - 1)) {
      word += part;
      if (word.length > TABLE.maxWordLength + 2) return undefined; // + 2: apostrophes around it
    }
  }
  return !word || finish() ? words : undefined;
}

/** The phrases that make up `words` exactly, in order, or `undefined` when they cannot. */
function phrasesOf(words: readonly string[]): Phrase[] | undefined {
  // ends[i]: a phrase ending at word i that follows a complete cover of the words before it.
  const ends: ({ from: number; phrase: Phrase } | undefined)[] = [{ from: -1, phrase: { kind: 'filler' } }];
  for (let i = 1; i <= words.length; i++) {
    for (let length = Math.min(i, TABLE.maxPhraseWords); length > 0 && !ends[i]; length--) {
      const phrase = ends[i - length] && TABLE.phrases.get(words.slice(i - length, i).join(' '));
      if (phrase) ends[i] = { from: i - length, phrase };
    }
  }
  const cover: Phrase[] = [];
  for (let i = words.length; i > 0; ) {
    const end = ends[i];
    if (!end) return undefined;
    cover.unshift(end.phrase);
    i = end.from;
  }
  return cover;
}

/**
 * The small talk the message is, or `undefined` when it asks for anything else: it must be made
 * of greetings, questions about the agent and filler only, with at least one greeting or question.
 */
export function findSmallTalk(text: string): SmallTalk | undefined {
  const words = wordsOf(text);
  const cover = words && words.length > 0 ? phrasesOf(words) : undefined;
  if (!cover) return undefined;
  const greeting = cover.find((phrase) => phrase.kind === 'greeting');
  if (greeting) return { greeting: greeting.reply };
  return cover.some((phrase) => phrase.kind === 'capability') ? {} : undefined;
}

/** What the agent can do and what to try, after a greeting when the message greeted. */
export function smallTalkAnswer(talk: SmallTalk): string {
  const intro = "I'm the assistant. I answer with tools rather than an LLM, so I can:";
  return [
    talk.greeting ? `${talk.greeting} ${intro}` : intro,
    '• work out arithmetic with the calculator',
    '• tell the time in any city or time zone with the clock',
    '• answer questions about this project from its docs',
    '',
    'Try asking:',
    ...EXAMPLE_QUESTIONS.map((question) => `• ${question}`),
  ].join('\n');
}
