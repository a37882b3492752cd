// Prometheus metrics of one bridge (its own registry: two bridges in one test process do not mix).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store';

export class Metrics {
  readonly registry = new Registry();
  readonly handovers: Counter<'result'>;
  readonly webhookEvents: Counter<'type' | 'result'>;
  readonly outboxJobs: Counter<'kind' | 'result'>;
  readonly gatewayLatency: Histogram<'method' | 'route' | 'status'>;
  readonly botCalls: Histogram<'result'>;
  readonly botActivities: Counter<'type' | 'result'>;
  readonly callbacks: Counter<'result'>;
  readonly dependencyErrors: Counter<'dependency'>;

  constructor(store: () => Store) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_bridge_' });
    new Gauge({
      name: 'parley_sessions',
      help: 'Chat sessions by state (bot, handover, queued, agent, ended), across all replicas',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const counts = await store()
          .countSessions()
          .catch(() => ({}) as Record<string, number>);
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'parley_outbox_depth',
      help: 'Jobs waiting or in flight in the outbox, across all replicas',
      registers,
      async collect() {
        this.set(
          await store()
            .outboxDepth()
            .catch(() => NaN),
        );
      },
    });
    this.handovers = new Counter({
      name: 'parley_handovers_total',
      help: 'Handovers by outcome: requested, created, failed_closed, failed_no_agents, failed_error, completed (back to the bot), ended',
      labelNames: ['result'],
      registers,
    });
    this.webhookEvents = new Counter({
      name: 'parley_webhook_events_total',
      help: 'Chat Gateway webhook deliveries by event type and result (accepted, duplicate, or why they were refused)',
      labelNames: ['type', 'result'],
      registers,
    });
    this.outboxJobs = new Counter({
      name: 'parley_outbox_jobs_total',
      help: 'Outbox job runs by kind and result (done, retry, buried, error)',
      labelNames: ['kind', 'result'],
      registers,
    });
    this.gatewayLatency = new Histogram({
      name: 'parley_gateway_request_duration_seconds',
      help: 'Chat Gateway calls by method, route and status ("error" = no answer)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.botCalls = new Histogram({
      name: 'parley_bot_request_duration_seconds',
      help: 'Activities posted to the bot, by result (ok, timeout, unreachable, error)',
      labelNames: ['result'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.botActivities = new Counter({
      name: 'parley_bot_activities_total',
      help: 'Activities the bot sent to the bridge, by type and result (shown, handover, ignored, dropped_after_handover)',
      labelNames: ['type', 'result'],
      registers,
    });
    this.callbacks = new Counter({
      name: 'parley_callbacks_total',
      help: 'Generic handover API callbacks by result (ok, retry, given_up)',
      labelNames: ['result'],
      registers,
    });
    this.dependencyErrors = new Counter({
      name: 'parley_dependency_errors_total',
      help: 'Failed checks of the schedule and statistics APIs (the handover then goes ahead)',
      labelNames: ['dependency'],
      registers,
    });
  }
}
