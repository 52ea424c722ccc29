import { authorizeRoom } from './room-policy';

describe('authorizeRoom', () => {
  const request = (userId: string, room: string) => ({
    principal: { userId, user: { sub: userId } },
    room,
    connectionId: 'c',
  });

  it('opens user:<id> to that user only', () => {
    expect(authorizeRoom(request('u1', 'user:u1'))).toBe(true);
    expect(authorizeRoom(request('u2', 'user:u1'))).toBe(false);
  });

  it('opens public rooms to anyone, and nothing else', () => {
    expect(authorizeRoom(request('u2', 'public:lobby'))).toBe(true);
    expect(authorizeRoom(request('u2', 'public:'))).toBe(false);
    expect(authorizeRoom(request('u2', 'admin:ops'))).toBe(false);
  });
});
