import { MemoryWsTicketStore } from './ws-ticket.store';
import { WsTicketService } from './ws-ticket.service';
import { resolveRealtimeOptions } from '../options/realtime-options.resolver';

describe('MemoryWsTicketStore', () => {
  it('returns a principal once', () => {
    const store = new MemoryWsTicketStore();
    const principal = { sub: 'u1' };
    store.put('t', principal, 2000);
    expect(store.take('t', 1000)).toBe(principal);
    expect(store.take('t', 1000)).toBeUndefined();
  });

  it('peeks without taking, and never at an expired ticket', () => {
    const store = new MemoryWsTicketStore();
    const principal = { sub: 'u1' };
    store.put('t', principal, 2000);
    expect(store.peek('t', 1000)).toBe(principal);
    expect(store.peek('t', 2000)).toBeUndefined();
    expect(store.take('t', 1000)).toBe(principal);
    expect(store.peek('t', 1000)).toBeUndefined();
  });

  it('refuses an expired ticket and sweeps expired ones on write', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const store = new MemoryWsTicketStore();
      store.put('old', {}, 1000);
      expect(store.take('old', 1000)).toBeUndefined();
      store.put('a', {}, 1000);
      jest.setSystemTime(5000);
      store.put('b', {}, 6000);
      expect(store.size).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('WsTicketService', () => {
  it('issues opaque single-use tickets that expire after ticketTtlMs', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const service = new WsTicketService(
        resolveRealtimeOptions({ ticketTtlMs: 30_000 }),
        new MemoryWsTicketStore(),
      );
      const first = await service.issue({ sub: 'u1' });
      const second = await service.issue({ sub: 'u2' });
      expect(first.expiresIn).toBe(30);
      expect(first.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(first.ticket).not.toBe(second.ticket);
      expect(await service.redeem(first.ticket)).toEqual({ sub: 'u1' });
      expect(await service.redeem(first.ticket)).toBeUndefined();
      jest.setSystemTime(1_030_000);
      expect(await service.redeem(second.ticket)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});
