// The Bot Framework channel's Bot Connector side: the plugin the bot replies to, and the activity readers the tests check.
export { botActivityArrived, botChannel, historyOf, quickRepliesOf, read as readBotActivity, textOf } from './routes';
