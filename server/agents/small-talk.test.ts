/** Tests for spotting greetings and questions about the agent, and for the answer they get. */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_QUESTIONS, findSmallTalk, smallTalkAnswer } from './small-talk';

describe('findSmallTalk', () => {
  it.each([
    ['hi', 'Hi!'],
    ['Hello!', 'Hello!'],
    ['hey there', 'Hey!'],
    ['Good morning, assistant!', 'Good morning!'],
    ['good evening', 'Good evening!'],
    ['hiii', 'Hi!'],
    ['Hellooo there 👋', 'Hello!'],
    ['what’s up?', 'Hey!'],
    ["'hi'", 'Hi!'],
    ['how are you today?', "Hello! I'm running fine, thanks for asking."],
    ['hi! what can you do?', 'Hi!'],
  ])('reads %j as a greeting answered with %j', (text, greeting) => {
    expect(findSmallTalk(text)).toEqual({ greeting });
  });

  it.each([
    'what can you do?',
    'What can you do',
    'help',
    '/help',
    'help me please',
    'who are you?',
    'what is this?',
    'how does this work?',
    'ok so what else can you do',
  ])('reads %j as a question about the agent', (text) => {
    expect(findSmallTalk(text)).toEqual({});
  });

  it.each([
    'hi, what is 2+2?',
    'hello, what time is it?',
    'hi, how do I run the tests?',
    'help me with scenarios',
    'what can you do with the calculator?',
    'hi 你好',
    '你好',
    'please',
    'ok',
    'thanks',
    'hi2',
    'high',
    '',
    '   ',
    '?!',
  ])('does not read %j as small talk', (text) => {
    expect(findSmallTalk(text)).toBeUndefined();
  });

  it('gives up on a long message, even one made of greetings only', () => {
    expect(findSmallTalk('hi '.repeat(40))).toEqual({ greeting: 'Hi!' });
    expect(findSmallTalk('hi '.repeat(41))).toBeUndefined();
  });
});

describe('smallTalkAnswer', () => {
  it('opens with the greeting, then says what the agent can do and what to try', () => {
    const answer = smallTalkAnswer({ greeting: 'Good morning!' });
    expect(answer.split('\n')).toEqual([
      "Good morning! I'm the assistant. I answer with tools rather than an LLM, so I can:",
      '• work out arithmetic with the calculator',
      '• tell the time in any city or time zone with the clock',
      '• answer questions about this project from its docs',
      '',
      'Try asking:',
      '• what is 12 * (3 + 4)?',
      '• what time is it in Tokyo?',
      '• how do I run the tests?',
      '• which events does a run emit?',
    ]);
    expect(EXAMPLE_QUESTIONS.length).toBeGreaterThanOrEqual(3);
  });

  it('does not greet a message that did not', () => {
    expect(smallTalkAnswer({})).toMatch(/^I'm the assistant\. /);
  });
});
