// What leaves the limits folder: the limiter the Customer Chat API front asks, its two stores
// (in-process, Redis), the rate syntax of the LIMIT_* settings, and whose request is whose.
export { Limiter, LIMIT_NAMES, type LimitName, type LimitRules, type LimiterOptions, type Refusal } from './limiter';
export { memoryLimitStore } from './memory';
export { redisLimitStore } from './redis';
export { parseRate, take, type Rate, type Verdict } from './rate';
export { clientKey, clientOrigin } from './client-address';
export type { LimitStore } from './store';
