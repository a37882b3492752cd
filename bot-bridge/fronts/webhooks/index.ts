// The Chat Gateway's webhook receiver: the plugin and the path the gateway is told to call.
export { WEBHOOK_PATH, webhookReceiver } from './routes';
