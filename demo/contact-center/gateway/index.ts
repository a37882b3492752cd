// The emulated Chat Gateway: its objects, its routes, and the signed webhook deliveries to the bridge.
export { WebhookDelivery } from './delivery';
export { Gateway } from './gateway';
export { chatGatewayApi } from './routes';
export { WebhookSigner } from './signer';
