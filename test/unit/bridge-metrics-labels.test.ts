// Metric labels come from fixed sets declared with each metric: a value outside its set is counted
// as `other`, so no caller (and no input that reaches a caller) can add time series. The sets also
// have to cover what the code really passes: the second part reads the sources that name routes,
// event types and refusal reasons, so a new one is declared, not silently counted as `other`.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../bot-bridge/store';
import { GATEWAY_ROUTES, Metrics, OTHER, WEBHOOK_RESULTS, WEBHOOK_TYPES } from '../../bot-bridge/ops/metrics';

const random = () => randomBytes(12).toString('hex');
const series = async (metrics: Metrics, name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values;

describe('metric labels', () => {
  it('count any value outside a label’s set as "other": a flood of random values adds one series', async () => {
    const store = new SqliteStore(':memory:');
    const metrics = new Metrics(() => store);
    for (let i = 0; i < 5000; i++) {
      metrics.webhookEvents.inc({ type: random(), result: 'unsigned' });
      metrics.botActivities.inc({ type: random(), result: random() });
      metrics.gatewayLatency.observe({ method: random(), route: `/conversations/${random()}/messages`, status: String(100 + (i % 500)) }, 0.01);
      metrics.outboxJobs.inc({ kind: random(), result: 'done' });
      metrics.handovers.inc({ result: random() });
      metrics.callbacks.inc({ result: random() });
      metrics.dependencyErrors.inc({ dependency: random() });
      metrics.botCalls.observe({ result: random() }, 0.1);
    }
    expect(await series(metrics, 'parley_webhook_events_total')).toEqual([{ labels: { type: OTHER, result: 'unsigned' }, value: 5000 }]);
    expect(await series(metrics, 'parley_bot_activities_total')).toEqual([{ labels: { type: OTHER, result: OTHER }, value: 5000 }]);
    expect(await series(metrics, 'parley_handovers_total')).toEqual([{ labels: { result: OTHER }, value: 5000 }]);
    // A histogram has a series per bucket: one label set here, whatever the statuses were (20 known + other).
    const statuses = new Set((await series(metrics, 'parley_gateway_request_duration_seconds')).map((v) => v.labels.status));
    expect(statuses.size).toBeLessThanOrEqual(21);
    const routes = new Set((await series(metrics, 'parley_gateway_request_duration_seconds')).map((v) => v.labels.route));
    expect([...routes]).toEqual([OTHER]);
    expect((await metrics.registry.metrics()).split('\n').length).toBeLessThan(2000);
    await store.close();
  });

  it('keeps the declared values, and the job kinds the app declares once it has its handlers', async () => {
    const store = new SqliteStore(':memory:');
    const metrics = new Metrics(() => store);
    metrics.webhookEvents.inc({ type: 'MESSAGE', result: 'duplicate' });
    metrics.gatewayLatency.observe({ method: 'POST', route: '/conversations/{id}/messages', status: '202' }, 0.02);
    metrics.outboxJobs.inc({ kind: 'gateway.message', result: 'done' });
    metrics.outboxJobs.allow('kind', ['gateway.message']);
    metrics.outboxJobs.inc({ kind: 'gateway.message', result: 'done' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('parley_webhook_events_total{type="MESSAGE",result="duplicate"} 1');
    expect(text).toContain('parley_gateway_request_duration_seconds_count{method="POST",route="/conversations/{id}/messages",status="202"} 1');
    expect(text).toContain('parley_outbox_jobs_total{kind="other",result="done"} 1');
    expect(text).toContain('parley_outbox_jobs_total{kind="gateway.message",result="done"} 1');
    await store.close();
  });

  it('bounds the sessions gauge to the machine’s states, whatever the store answers', async () => {
    const store = new SqliteStore(':memory:');
    const fake = Object.assign(Object.create(store) as SqliteStore, { countSessions: async () => ({ bot: 2, [random()]: 3, [random()]: 4 }) });
    const metrics = new Metrics(() => fake);
    expect(await series(metrics, 'parley_sessions')).toEqual([
      { labels: { state: 'bot' }, value: 2 },
      { labels: { state: OTHER }, value: 7 },
    ]);
    await store.close();
  });
});

describe('the label sets cover the code', () => {
  const source = (path: string) => readFileSync(new URL(`../../bot-bridge/${path}`, import.meta.url), 'utf8');

  it('names every route the gateway client calls', () => {
    // this.call('METHOD', `path`, '/route/{id}', …): the third argument is the route label.
    const routes = [...source('gateway/client.ts').matchAll(/this\.call\(\s*'[A-Z]+',\s*(?:`[^`]*`|'[^']*'),\s*'([^']+)'/g)].map((m) => m[1]);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) expect(GATEWAY_ROUTES, route).toContain(route);
  });

  it('names every event type the gateway events know and every reason a delivery is refused for', () => {
    const types = [...source('gateway/events.ts').matchAll(/case '([A-Z_]+)':/g)].map((m) => m[1]);
    expect(types.length).toBeGreaterThan(5);
    for (const type of types) expect(WEBHOOK_TYPES, type).toContain(type);
    const rejection = /export type Rejection = ([^;]+);/.exec(source('gateway/verify.ts'))![1]!;
    for (const [, reason] of rejection.matchAll(/'([^']+)'/g)) expect(WEBHOOK_RESULTS, reason).toContain(reason);
    const results = /export type WebhookResult = ([^;]+);/.exec(source('fronts/webhooks/labels.ts'))![1]!;
    for (const [, result] of results.matchAll(/'([^']+)'/g)) expect(WEBHOOK_RESULTS, result).toContain(result);
  });
});
