// The attempt schemas' normalisation of the raw values: epoch-second strings, ISO-8601 times,
// "1.0"-style numbers, "true"/"false" strings and the submitted flag.
import { describe, expect, it } from 'vitest';
import { epochTimestamp, isoTimestamp, submittedFlag, textBoolean, wholeNumber } from '../../../../lambdas/core/assessments/records.ts';

describe('assessment record values', () => {
  it('turns epoch seconds into UTC timestamps truncated to microseconds', () => {
    expect(epochTimestamp.parse('1516717442.735266')).toBe('2018-01-23 14:24:02.735266');
    expect(epochTimestamp.parse('1513766763.6051481')).toBe('2017-12-20 10:46:03.605148');
    expect(epochTimestamp.parse('1513766386.9999999')).toBe('2017-12-20 10:39:46.999999');
    expect(epochTimestamp.parse('1516717442')).toBe('2018-01-23 14:24:02.000000');
    expect(epochTimestamp.parse('1516717442.0')).toBe('2018-01-23 14:24:02.000000');
    expect(epochTimestamp.parse(1516717442.5)).toBe('2018-01-23 14:24:02.500000');
    for (const bad of ['', 'soon', '-1', '1e9', '1516717442.73.1', '999999999999999', -5, Number.NaN]) expect(epochTimestamp.safeParse(bad).success, String(bad)).toBe(false);
  });

  it('turns ISO-8601 times into UTC timestamps, converting offsets and refusing impossible dates', () => {
    expect(isoTimestamp.parse('2018-01-23T14:23:19.082Z')).toBe('2018-01-23 14:23:19.082');
    expect(isoTimestamp.parse('2018-01-23T14:23:19Z')).toBe('2018-01-23 14:23:19');
    expect(isoTimestamp.parse('2018-01-23 14:23:19.1234567')).toBe('2018-01-23 14:23:19.123456');
    expect(isoTimestamp.parse('2018-01-23T16:23:19.082+02:00')).toBe('2018-01-23 14:23:19.082');
    expect(isoTimestamp.parse('2018-01-01T01:30:00.5-0300')).toBe('2018-01-01 04:30:00.5');
    expect(isoTimestamp.parse('2018-01-01T00:30:00+01:00')).toBe('2017-12-31 23:30:00');
    for (const bad of ['2018-02-30T10:00:00Z', '2018-01-23T24:00:00Z', '2018-13-01T00:00:00Z', '23/01/2018', '2018-01-23', '']) expect(isoTimestamp.safeParse(bad).success, bad).toBe(false);
  });

  it('reads whole numbers, text booleans and the submitted flag as the file writes them', () => {
    expect([wholeNumber.parse('1.0'), wholeNumber.parse('3'), wholeNumber.parse(2)]).toEqual([1, 3, 2]);
    for (const bad of ['1.5', '-1', 'one', 1.5, -1]) expect(wholeNumber.safeParse(bad).success, String(bad)).toBe(false);
    expect([textBoolean.parse('false'), textBoolean.parse('true'), textBoolean.parse(true)]).toEqual([false, true, true]);
    expect(textBoolean.safeParse('False').success).toBe(false);
    expect([submittedFlag.parse(1), submittedFlag.parse(0), submittedFlag.parse(false)]).toEqual([true, false, false]);
    expect(submittedFlag.safeParse(2).success).toBe(false);
  });
});
