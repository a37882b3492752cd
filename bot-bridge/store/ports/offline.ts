// Offline messages: what a customer left when no agent was there, kept for the CRM to pick up.

export interface OfflineMessage {
  id: string;
  contactCenterId: string;
  receivedAt: number;
  fields: Record<string, string>;
  userData: Record<string, string | number | boolean>;
}

export interface OfflineStore {
  addOfflineMessage(message: OfflineMessage): Promise<void>;
  offlineMessages(since: number, limit: number): Promise<OfflineMessage[]>;
}
