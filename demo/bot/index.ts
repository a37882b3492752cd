// The demo bot is not built yet (it comes with the bot bridge issue).
console.error('bot: not built yet — demo/bot has no bot so far. `npm run emulator` is what runs today.');
process.exit(1);
