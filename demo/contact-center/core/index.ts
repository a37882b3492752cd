// The shared contact center both APIs are views of: queues, agents, interactions, the schedule and availability.
export { Availability } from './availability';
export { ContactCenter } from './contact-center';
export { DomainError } from './errors';
export { CLOSED, OPEN, scheduleStatus, type Schedule } from './schedule';
export type { Card, ContactCenterEvent, Entry, FileRef, HistoryMessage, Interaction, MessageExtras, Queue } from './types';
