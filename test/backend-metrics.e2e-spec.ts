import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { WsTestClient, handshakeStatus } from './support/ws-test-client';

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

describe('Reference backend: GET /metrics', () => {
  let backend: BackendTestApp;
  const clients: WsTestClient[] = [];

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await backend.close();
  });

  async function scrape(): Promise<Map<string, number>> {
    const response = await request(backend.http).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return samples(response.text);
  }

  it("exposes the realtime library's counters and Node's process metrics in Prometheus' text format", async () => {
    const ada = await backend.signUp('ada');
    const before = await scrape();
    expect(before.get('nest_realtime_connections')).toBe(0);
    expect(before.has('process_cpu_user_seconds_total')).toBe(true);
    expect(before.get('nest_realtime_database_up')).toBe(1);
    // One instance, no REDIS_URL: no Redis to report on.
    expect(before.has('nest_realtime_redis_up')).toBe(false);

    expect(await handshakeStatus(backend.wsUrl)).toBe(401);
    const { client } = await WsTestClient.connect(backend.wsUrl, {
      headers: { authorization: `Bearer ${ada.token}` },
    });
    clients.push(client);
    expect((await client.request('ping')).type).toBe('pong');
    client.sendRaw('not json');
    await client.next('error');
    client.send({ type: 'no-such-type', id: 'x' });
    await client.next('error');
    // Binary frames: the backend's gateway has no binary handler.
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    expect((await client.next('error')).data.code).toBe('BINARY_NOT_ACCEPTED');

    const after = await scrape();
    const delta = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(after.get('nest_realtime_connections')).toBe(1);
    expect(delta('nest_realtime_handshakes_total{status="401"}')).toBe(1);
    expect(delta('nest_realtime_handshakes_total{status="101"}')).toBe(1);
    expect(delta('nest_realtime_messages_total{type="ping"}')).toBe(1);
    expect(delta('nest_realtime_messages_total{type="(unparsed)"}')).toBe(1);
    // A client-chosen name is not a label of its own, nor is a binary frame nothing serves;
    // an error is counted under the label its message was.
    expect(delta('nest_realtime_messages_total{type="(unknown)"}')).toBe(2);
    expect(after.has('nest_realtime_messages_total{type="no-such-type"}')).toBe(false);
    expect(delta('nest_realtime_message_errors_total{type="(unparsed)",code="BAD_JSON"}')).toBe(1);
    expect(delta('nest_realtime_message_errors_total{type="(unknown)",code="UNKNOWN_TYPE"}')).toBe(
      1,
    );
    expect(
      delta('nest_realtime_message_errors_total{type="(unknown)",code="BINARY_NOT_ACCEPTED"}'),
    ).toBe(1);
    expect([...after.keys()].filter((name) => name.includes('$binary'))).toEqual([]);
    // `connected`, then the durable stream's `resume`, the pong and the two errors.
    expect(delta('nest_realtime_pushed_frames_total')).toBeGreaterThanOrEqual(1);
    expect(delta('nest_realtime_direct_frames_total')).toBeGreaterThanOrEqual(3);

    // A durable push: one group commit, observed in the histogram with its +Inf bucket.
    const bob = await backend.signUp('bob');
    await request(backend.http)
      .post('/notifications')
      .set('authorization', `Bearer ${ada.token}`)
      .send({ to: { userId: bob.id }, title: 'Hi' })
      .expect(201);
    const commits = await scrape();
    expect(commits.get('nest_realtime_durable_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(commits.get('nest_realtime_durable_commit_seconds_bucket{le="+Inf"}')).toBe(
      commits.get('nest_realtime_durable_commit_seconds_count'),
    );

    await client.close();
    const closed = await scrape();
    expect(closed.get('nest_realtime_connections')).toBe(0);
    expect(closed.get('nest_realtime_closes_total{code="1005"}')).toBe(1);
  });

  it('asks for METRICS_TOKEN as a bearer token when it is set; the probes stay open', async () => {
    await backend.close();
    const token = 'metrics-token-0123456789abcdef';
    backend = await startBackend({ METRICS_TOKEN: token });
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`, token]) {
      const get = request(backend.http).get('/metrics');
      const refused = await (authorization === undefined
        ? get
        : get.set('authorization', authorization));
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(refused.text).not.toContain('nest_realtime_');
      expect(refused.text).not.toContain(token);
    }
    const scraped = await request(backend.http)
      .get('/metrics')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(scraped.text).toMatch(/^nest_realtime_connections 0$/m);
    // The probes stay open: a load balancer carries no scraper's credential.
    await request(backend.http).get('/health/ready').expect(200);
  });
});
