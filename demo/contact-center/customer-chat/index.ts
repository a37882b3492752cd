// The emulator's Customer Chat API: its routes and what it keeps per chat beyond the shared interaction.
export { Chats } from './chats';
export { customerChatApi, type ChatScript, type OfflineMessage } from './routes';
