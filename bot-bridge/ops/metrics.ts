// Prometheus metrics of one bridge (its own registry: two bridges in one test process do not mix).
//
// Every label takes its values from a fixed set declared here, with the metric; anything else is
// counted as `other`. Label values often come from outside (a webhook's eventType, the type of an
// activity a bot posts, a status code a gateway answers), and each new value is a new time series
// kept in memory and scraped forever: 22,000 unsigned webhooks with random event types once made
// 22,003 series. Callers only ever see the bounded wrappers below, never a prom-client metric, so
// none of them can add a series the declaration does not name.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SIMPLIFICATIONS } from '../cards/read-kit';
import type { Store } from '../store';
import { LIMIT_NAMES } from '../limits/limiter';

/** The value any label takes when what it was given is not in its set. */
export const OTHER = 'other';

/** For each label, the values it may take. */
export type LabelSets<L extends string> = { readonly [K in L]: readonly string[] };

/** Sessions by state: the session machine's states (sessions/types.ts). */
export const SESSION_STATES = ['bot', 'handover', 'queued', 'agent', 'ended'] as const;

/** The Chat Gateway's event types (v1 envelope and the older flat ones), and `unknown` for none. */
export const WEBHOOK_TYPES = [
  'WEB_HOOK_VERIFY',
  'CONVERSATION_UPDATE',
  'QUEUED',
  'MEMBERS_CHANGED',
  'AGENT_JOINED',
  'AGENT_LEFT',
  'TRANSFER',
  'MESSAGE',
  'TEXT',
  'ACTIVITY',
  'unknown',
] as const;

/** What became of a delivery: taken, a retry, or why it was refused (gateway/verify.ts, the route). */
export const WEBHOOK_RESULTS = [
  'accepted',
  'duplicate',
  'bad-signature',
  'unknown-kid',
  'stale',
  'unsigned',
  'malformed',
  'tenant',
  'customer',
  'unknown-conversation',
  'unconfirmed',
] as const;

/** The routes the gateway client calls, as patterns (gateway/client.ts); a test checks the two agree. */
export const GATEWAY_ROUTES = [
  '/webhooks',
  '/webhooks/{id}',
  '/channels',
  '/channels/{id}',
  '/conversations',
  '/conversations/{id}/messages',
  '/conversations/{id}/attachments',
  '/conversations/{id}/attachments/{attachmentId}/content',
  '/conversations/{id}/typing',
  '/conversations/{id}/participants',
  '/conversations/{id}/participants/user',
  '/conversations/{id}/post-agent-assignment',
] as const;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The statuses worth telling apart; `error` = no answer at all. */
export const HTTP_STATUSES = [
  '200',
  '201',
  '202',
  '204',
  '400',
  '401',
  '403',
  '404',
  '405',
  '409',
  '410',
  '413',
  '415',
  '422',
  '429',
  '500',
  '502',
  '503',
  '504',
  'error',
] as const;

/** Bot Framework activity types (botframework-schema's ActivityTypes). */
export const ACTIVITY_TYPES = [
  'message',
  'typing',
  'event',
  'endOfConversation',
  'conversationUpdate',
  'contactRelationUpdate',
  'installationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'invoke',
  'invokeResponse',
  'trace',
  'handoff',
  'suggestion',
  'command',
  'commandResult',
  'deleteUserData',
] as const;

/** Maps each label to itself when its set has it, else to `other`. */
function bounder<L extends string>(sets: LabelSets<L>): { bound(labels: Record<L, string>): Record<L, string>; allow(label: L, values: readonly string[]): void } {
  const allowed = new Map<L, Set<string>>();
  for (const label of Object.keys(sets) as L[]) allowed.set(label, new Set(sets[label]));
  return {
    bound(labels) {
      const out = {} as Record<L, string>;
      for (const [label, values] of allowed) {
        const value = labels[label];
        out[label] = typeof value === 'string' && values.has(value) ? value : OTHER;
      }
      return out;
    },
    allow(label, values) {
      for (const value of values) allowed.get(label)?.add(value);
    },
  };
}

/** A counter whose labels can only take their declared values. */
export class BoundedCounter<L extends string> {
  private readonly b: ReturnType<typeof bounder<L>>;
  constructor(
    private readonly counter: Counter<L>,
    sets: LabelSets<L>,
  ) {
    this.b = bounder(sets);
  }
  inc(labels: Record<L, string>, by?: number): void {
    this.counter.inc(this.b.bound(labels), by);
  }
  /** The current values (tests read them). */
  get(): ReturnType<Counter<L>['get']> {
    return this.counter.get();
  }
  /** Adds values to a label's set: for sets known only once the app is wired (job kinds), never from input. */
  allow(label: L, values: readonly string[]): void {
    this.b.allow(label, values);
  }
}

/** A histogram whose labels can only take their declared values. */
export class BoundedHistogram<L extends string> {
  private readonly b: ReturnType<typeof bounder<L>>;
  constructor(
    private readonly histogram: Histogram<L>,
    sets: LabelSets<L>,
  ) {
    this.b = bounder(sets);
  }
  observe(labels: Record<L, string>, value: number): void {
    this.histogram.observe(this.b.bound(labels), value);
  }
  get(): ReturnType<Histogram<L>['get']> {
    return this.histogram.get();
  }
}

interface Declared<L extends string> {
  name: string;
  help: string;
  labels: LabelSets<L>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly handovers: BoundedCounter<'result'>;
  readonly webhookEvents: BoundedCounter<'type' | 'result'>;
  readonly outboxJobs: BoundedCounter<'kind' | 'result'>;
  readonly gatewayLatency: BoundedHistogram<'method' | 'route' | 'status'>;
  readonly botCalls: BoundedHistogram<'result'>;
  readonly botActivities: BoundedCounter<'type' | 'result'>;
  readonly botCardSimplifications: BoundedCounter<'kind'>;
  readonly callbacks: BoundedCounter<'result'>;
  readonly dependencyErrors: BoundedCounter<'dependency'>;
  readonly refused: BoundedCounter<'limit'>;

  constructor(store: () => Store) {
    const registers = [this.registry];
    const counter = <L extends string>({ name, help, labels }: Declared<L>) =>
      new BoundedCounter(new Counter({ name, help, labelNames: Object.keys(labels) as L[], registers }), labels);
    const histogram = <L extends string>({ name, help, labels }: Declared<L>, buckets: number[]) =>
      new BoundedHistogram(new Histogram({ name, help, labelNames: Object.keys(labels) as L[], buckets, registers }), labels);

    collectDefaultMetrics({ register: this.registry, prefix: 'parley_bridge_' });
    const states = bounder({ state: SESSION_STATES });
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
        for (const [state, n] of Object.entries(counts)) this.inc(states.bound({ state }), n);
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
    this.handovers = counter({
      name: 'parley_handovers_total',
      help: 'Handovers by outcome: requested, created, failed_closed, failed_no_agents, failed_error, completed (back to the bot), ended',
      labels: { result: ['requested', 'created', 'failed_closed', 'failed_no_agents', 'failed_error', 'completed', 'ended'] },
    });
    this.webhookEvents = counter({
      name: 'parley_webhook_events_total',
      help: 'Chat Gateway webhook deliveries by event type and result (accepted, duplicate, or why they were refused)',
      labels: { type: WEBHOOK_TYPES, result: WEBHOOK_RESULTS },
    });
    this.outboxJobs = counter({
      name: 'parley_outbox_jobs_total',
      help: 'Outbox job runs by kind and result (done, retry, buried, error)',
      // The kinds are the job handlers' names, declared by the app once it has them (app.ts).
      labels: { kind: [], result: ['done', 'retry', 'buried', 'error'] },
    });
    this.gatewayLatency = histogram(
      {
        name: 'parley_gateway_request_duration_seconds',
        help: 'Chat Gateway calls by method, route and status ("error" = no answer)',
        labels: { method: HTTP_METHODS, route: GATEWAY_ROUTES, status: HTTP_STATUSES },
      },
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    this.botCalls = histogram(
      {
        name: 'parley_bot_request_duration_seconds',
        help: 'Activities posted to the bot, by result (ok, timeout, unreachable, error)',
        labels: { result: ['ok', 'timeout', 'unreachable', 'error'] },
      },
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.botActivities = counter({
      name: 'parley_bot_activities_total',
      help: 'Activities the bot sent to the bridge, by type and result (shown, shown_during_handover, handover, ignored, refused_during_handover, dropped_after_handover, dropped_after_end)',
      labels: {
        type: ACTIVITY_TYPES,
        result: ['shown', 'shown_during_handover', 'handover', 'ignored', 'refused_during_handover', 'dropped_after_handover', 'dropped_after_end'],
      },
    });
    this.botCardSimplifications = counter({
      name: 'parley_bot_card_simplifications_total',
      help: 'Parts of bot messages shown simpler than sent (cards/read-kit.ts SIMPLIFICATIONS): unknown cards and elements, inputs, actions, unsafe links, sign-in without a link, fallback text, truncation, files shown as links',
      labels: { kind: SIMPLIFICATIONS },
    });
    this.callbacks = counter({
      name: 'parley_callbacks_total',
      help: 'Generic handover API callbacks by result (ok, retry, given_up)',
      labels: { result: ['ok', 'retry', 'given_up'] },
    });
    this.dependencyErrors = counter({
      name: 'parley_dependency_errors_total',
      help: 'Failed checks of the schedule and statistics APIs (the handover then goes ahead)',
      labels: { dependency: ['schedule', 'statistics'] },
    });
    this.refused = counter({
      name: 'parley_customer_chat_refused_total',
      help: 'Customer Chat API requests refused with 429 (statusCode 7) or 413 (statusCode 8), by the limit that refused them',
      labels: { limit: [...LIMIT_NAMES, 'userdata-size', 'offline-message-size'] },
    });
  }
}
