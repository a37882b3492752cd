// `tsx demo/site/index.ts`: the demo site alone (npm start runs it with the other parts).
import { startSite } from './server';

const port = Number(process.env.SITE_PORT ?? 5173);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`site: SITE_PORT must be a port number, got "${process.env.SITE_PORT}"`);
  process.exit(2);
}
const site = await startSite({
  port,
  host: process.env.SITE_HOST ?? '127.0.0.1',
  emulatorUrl: process.env.EMULATOR_URL ?? 'http://127.0.0.1:4010',
  bridgeUrl: process.env.BRIDGE_URL ?? 'http://127.0.0.1:4020',
  contactCenterId: process.env.CONTACT_CENTER_ID ?? '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c',
}).catch((error: Error) => {
  console.error(`site: cannot listen on port ${port}: ${error.message}`);
  process.exit(1);
});
console.log(`site: demo site listening on ${site.url}`);
const stop = async () => {
  await site.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
