// The Bot Framework channel's Bot Connector side: the plugin the bot replies to, and the activity readers the tests check.
export { botActivityArrived, botChannel } from './routes';
export { historyOf, messageActivity, quickRepliesOf, readActivity, textOf } from './read';
