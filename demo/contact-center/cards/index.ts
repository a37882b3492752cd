// Cards: an agent's cards checked (the Customer Chat API's card model), the Chat Gateway's cards
// written and read, and the fallback text of a message with cards or files.
export { CARD_LIMITS, CardInputError, httpUrl, parseCards, parseLayout } from './validate';
export { ADAPTIVE, QUICK_REPLIES, readGatewayCards, toGatewayCard, type GatewayCard } from './gateway-cards';
export { fallbackText } from './fallback';
