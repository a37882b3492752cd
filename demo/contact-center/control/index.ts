// Test control of the emulator: injected faults, the request log, and the control API that sets them.
export { installFaults } from './faults';
export { installRequestLog } from './request-log';
export { controlApi } from './routes';
