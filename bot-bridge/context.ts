// What the parts of the bridge share, built once by the app factory and handed to each part.
import type { BotProblem } from './bot-transport';
import type { BridgeConfig } from './config';
import type { Availability, GatewayClient, GatewaySetup } from './gateway';
import type { Logger, Metrics } from './ops';
import type { Store } from './store';

export interface BotHealth {
  /** Last time the bot failed to answer (ms), or 0. */
  failedAt: number;
  /** Last time the bot answered (ms), or 0. */
  okAt: number;
  /** What the transport last found wrong (at start, or on a delivery); shown by /readyz until the bot answers again. */
  problem?: BotProblem | null;
}

export interface Deps {
  config: BridgeConfig;
  store: Store;
  gateway: GatewayClient;
  availability: Availability;
  metrics: Metrics;
  log: Logger;
  /** Filled in by the gateway bootstrap; null until it has run. */
  setup: GatewaySetup | null;
  /** Where the gateway and the bot reach this bridge (known once it listens). */
  publicUrl(): string;
  /** Tells this replica's outbox worker that jobs were enqueued. */
  wake(): void;
  botHealth: BotHealth;
}
