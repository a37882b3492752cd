// The bridge's HTTP edges, one plugin each: the widget's Customer Chat API, the Bot Framework channel, the gateway's webhook, the handover API and the operations endpoints.
export { botActivityArrived, botChannel, historyOf, quickRepliesOf, readActivity, textOf } from './bot-channel';
export { customerChatApi, fileLinks } from './customer-chat';
export { handoverApi, openHandoverId, openHandoverKey } from './handover-api';
export { adminApp, opsRoutes } from './ops';
export { isLoopback, metricsAccess, type MetricsAccess } from './metrics-access';
export { WEBHOOK_PATH, webhookReceiver } from './webhooks';
