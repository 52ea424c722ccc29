import type { WebSocket } from 'ws';
import { ConnectionRegistry } from './connection-registry';
import { RealtimeConnection } from './realtime-connection';

describe('ConnectionRegistry', () => {
  // The registry only indexes connections; it never touches their sockets.
  const connection = (id: string, userId: string) =>
    new RealtimeConnection(id, { userId, user: { sub: userId } }, {} as WebSocket, 10);

  it('indexes by id, by user (many devices) and by room in both directions', () => {
    const registry = new ConnectionRegistry({ maxRoomsPerConnection: 10 });
    const phone = connection('c1', 'alice');
    const laptop = connection('c2', 'alice');
    const bob = connection('c3', 'bob');
    [phone, laptop, bob].forEach((c) => registry.add(c));

    expect(registry.size).toBe(3);
    expect([...registry.connectionsOf('alice')]).toEqual([phone, laptop]);
    expect(registry.isOnline('bob')).toBe(true);
    expect(registry.join('c1', 'r')).toBe(true);
    expect(registry.join('c3', 'r')).toBe(true);
    expect(registry.join('missing', 'r')).toBe(false);
    expect([...registry.membersOf('r')]).toEqual([phone, bob]);
    expect([...registry.roomsOf('c1')]).toEqual(['r']);
    expect(RealtimeConnection.of(phone.socket)).toBe(phone);
  });

  it('deletes empty sets on leave and on remove', () => {
    const registry = new ConnectionRegistry({ maxRoomsPerConnection: 10 });
    const a = connection('c1', 'alice');
    registry.add(a);
    registry.join('c1', 'r1');
    registry.join('c1', 'r2');
    expect(registry.leave('c1', 'r1')).toBe(true);
    expect(registry.leave('c1', 'r1')).toBe(false);
    expect(registry.roomCount).toBe(1);

    registry.remove(a);
    registry.remove(a);

    expect(registry.size).toBe(0);
    expect(registry.userCount).toBe(0);
    expect(registry.roomCount).toBe(0);
    expect(registry.isOnline('alice')).toBe(false);
    expect(registry.roomsOf('c1').size).toBe(0);
    expect(a.registered).toBe(false);
  });
});
