import { readResumeCursor } from './resume-cursor';

describe('readResumeCursor', () => {
  it('reads lastSeq, with the epoch when there is one', () => {
    expect(readResumeCursor('/ws?lastSeq=12')).toEqual({ lastSeq: 12 });
    expect(readResumeCursor('/ws?ticket=t&lastSeq=0&epoch=Ab_9-z')).toEqual({
      lastSeq: 0,
      epoch: 'Ab_9-z',
    });
    expect(readResumeCursor(`/ws?lastSeq=1&epoch=${'e'.repeat(64)}`)).toEqual({
      lastSeq: 1,
      epoch: 'e'.repeat(64),
    });
  });

  it('is undefined without either parameter', () => {
    expect(readResumeCursor(undefined)).toBeUndefined();
    expect(readResumeCursor('/ws')).toBeUndefined();
    expect(readResumeCursor('/ws?ticket=t')).toBeUndefined();
    // Only the names themselves count.
    expect(readResumeCursor('/ws?notlastSeq=1&myepoch=x')).toBeUndefined();
  });

  it('is null (400) for a malformed lastSeq or epoch, or an epoch without lastSeq', () => {
    for (const query of [
      'lastSeq=-1',
      'lastSeq=abc',
      'lastSeq=1.5',
      'lastSeq=',
      'lastSeq=99999999999999999',
      'lastSeq=1&epoch=',
      'lastSeq=1&epoch=has%20space',
      'lastSeq=1&epoch=%C3%A9t%C3%A9',
      'lastSeq=1&epoch=a.b',
      `lastSeq=1&epoch=${'e'.repeat(65)}`,
      'epoch=abc',
    ]) {
      expect([query, readResumeCursor(`/ws?${query}`)]).toEqual([query, null]);
    }
  });
});
