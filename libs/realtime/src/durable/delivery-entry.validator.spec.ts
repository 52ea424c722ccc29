import * as messages from '../realtime.messages';
import { deliveryEntryProblem, MAX_ENTRY_ID_LENGTH } from './delivery-entry.validator';
import { dataJsonOf } from './entry-data-json';

describe('deliveryEntryProblem', () => {
  const entry = (overrides: object) => ({
    userId: 'u',
    type: 'note',
    data: { n: 1 },
    ...overrides,
  });

  it('accepts an ordinary entry, with or without an id, and data up to the cap', () => {
    expect(deliveryEntryProblem(entry({}), 100)).toBeUndefined();
    expect(
      deliveryEntryProblem(entry({ id: 'x'.repeat(MAX_ENTRY_ID_LENGTH) }), 100),
    ).toBeUndefined();
    expect(deliveryEntryProblem(entry({ data: undefined }), 100)).toBeUndefined();
    // {"s":"…"} is 8 bytes of JSON around the string.
    expect(deliveryEntryProblem(entry({ data: { s: 'x'.repeat(92) } }), 100)).toBeUndefined();
  });

  it('names what is wrong', () => {
    const reason = (overrides: object, max = 100) =>
      deliveryEntryProblem(entry(overrides), max)?.reason;
    expect(reason({ userId: '' })).toBe('userId');
    expect(reason({ type: 7 })).toBe('type');
    expect(reason({ id: '' })).toBe('id');
    expect(reason({ id: 'x'.repeat(MAX_ENTRY_ID_LENGTH + 1) })).toBe('id');
    expect(reason({ data: { n: 1n } })).toBe('data');
    expect(reason({ data: () => 1 })).toBe('data');
    expect(reason({ data: { s: 'x'.repeat(93) } })).toBe('dataSize');
  });

  it('counts bytes, not characters', () => {
    // 40 three-byte characters: 40 characters of JSON string, 120 bytes.
    const problem = deliveryEntryProblem(entry({ data: '€'.repeat(40) }), 100);
    expect(problem?.message).toBe(messages.entryDataTooLarge(122, 100));
  });

  it('keeps the JSON it made for the store, which then does not serialize again', () => {
    const checked = entry({ data: { n: 1 } });
    expect(deliveryEntryProblem(checked, 100)).toBeUndefined();
    // Changed after the check: the store writes what was checked.
    checked.data.n = 2;
    expect(dataJsonOf(checked)).toBe('{"n":1}');
    expect(dataJsonOf(entry({ data: { n: 3 } }))).toBe('{"n":3}');
  });
});
