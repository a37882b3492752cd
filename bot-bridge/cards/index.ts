// Bot Framework activities → the Customer Chat API's card model (wire.ts Card): hero, thumbnail,
// receipt, signin/OAuth, animation/audio/video and Adaptive Cards, suggested actions, files, and
// the fallback text every entry carries. Pure; what was simplified is said, for metrics and logs.
export { readBotMessage, type BotFile, type BotMessage } from './message';
export { cardLines, fallbackText, fileCard } from './fallback';
export { AdaptiveReader } from './adaptive';
export { CONTENT_TYPES, cardAction } from './bot-framework';
export { CARD_BOUNDS, Notes, SIMPLIFICATIONS, httpUrl, type Simplification } from './read-kit';
export { QUICK_REPLIES, readGatewayCards } from './gateway';
