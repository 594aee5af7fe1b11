/** Tests for finding the place a time question names and resolving it to an IANA time zone. */
import { describe, expect, it } from 'vitest';
import { findTimeZone, placeName } from './time-zones';

describe('findTimeZone', () => {
  it.each([
    ['what time is it in Tokyo?', 'Asia/Tokyo'],
    ['time in New York', 'America/New_York'],
    ["what's the time in paris", 'Europe/Paris'],
    ['date in Asia/Kolkata', 'Asia/Kolkata'],
    ['time in LOS ANGELES', 'America/Los_Angeles'],
    ['time in Buenos Aires.', 'America/Buenos_Aires'],
    ['time in Port of Spain?', 'America/Port_of_Spain'],
    ['time in Port-au-Prince', 'America/Port-au-Prince'],
    ['time in New York City', 'America/New_York'],
    ['time in Mexico City', 'America/Mexico_City'],
    ['time in São Paulo', 'America/Sao_Paulo'],
    ['time in Zürich', 'Europe/Zurich'],
    ['time in (Tokyo)', 'Asia/Tokyo'],
    ['time in Paris, London', 'Europe/Paris'],
    ['time in utc', 'UTC'],
    ['time in europe/paris', 'Europe/Paris'],
    ['time in Kyiv', 'Europe/Kyiv'],
    ['time in Kolkata', 'Asia/Kolkata'],
    ['what is 2 in binary, and the time in Tokyo', 'Asia/Tokyo'],
    ['time in\tTokyo', 'Asia/Tokyo'],
  ])('resolves %j to %s', (text, timeZone) => {
    expect(findTimeZone(text)).toBe(timeZone);
  });

  it('resolves an alias Intl knows to the zone it stands for', () => {
    expect(findTimeZone('time in US/Pacific')).toBe('America/Los_Angeles');
  });

  it.each([
    'what time is it?',
    'time in Narnia',
    'time in the UK',
    'time in',
    'in',
    'Tokyo time',
    'intime Tokyo',
    'in new in york',
    'time in New, York',
    'time in Mars/Base',
    'time in 東京',
    '',
  ])('finds no zone in %j', (text) => {
    expect(findTimeZone(text)).toBeUndefined();
  });

  it('resolves every zone the runtime lists by its place and by its name', () => {
    const wrong = Intl.supportedValuesOf('timeZone').filter(
      (zone) => findTimeZone(`time in ${placeName(zone)}`) !== zone || findTimeZone(`time in ${zone}`) !== zone,
    );
    expect(wrong).toEqual([]);
  });
});

describe('placeName', () => {
  it.each([
    ['Asia/Tokyo', 'Tokyo'],
    ['America/New_York', 'New York'],
    ['America/Argentina/Buenos_Aires', 'Buenos Aires'],
    ['UTC', 'UTC'],
    // Etc/GMT+5 is five hours behind GMT: "GMT+5" alone would say the opposite.
    ['Etc/GMT+5', 'Etc/GMT+5'],
  ])('names %s %j', (timeZone, place) => {
    expect(placeName(timeZone)).toBe(place);
  });
});
