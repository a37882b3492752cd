// Real Time Statistics and the Tenant Schedule, read from the shared contact center.
export { statsApi } from './routes';
