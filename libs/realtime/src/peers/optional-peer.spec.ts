import { assertOptionalPeer } from './optional-peer';

describe('assertOptionalPeer', () => {
  it('passes when the package resolves', () => {
    expect(() =>
      assertOptionalPeer('@nest-realtime/core/kysely', 'kysely', 'the log'),
    ).not.toThrow();
  });

  it('names the entry, the feature and the install command when it does not', () => {
    expect(() =>
      assertOptionalPeer('@nest-realtime/core/kysely', 'no-such-package-for-this-test', 'the log'),
    ).toThrow(
      '@nest-realtime/core/kysely (the log) needs the package "no-such-package-for-this-test", ' +
        'which is not installed. Install it next to @nest-realtime/core: ' +
        'npm install no-such-package-for-this-test',
    );
  });
});
