// The generic handover API for bots on other frameworks: the plugin, and the one-open-handover-per-customer keys the tests check.
export { openHandoverId, openHandoverKey } from './open-handover';
export { handoverApi } from './routes';
