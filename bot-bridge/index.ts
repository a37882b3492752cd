// The bot bridge is not built yet (issue: "Bot bridge: a bot-first chat that hands the customer to an agent").
console.error('bridge: not built yet — bot-bridge/ has no server so far. `npm run emulator` is what runs today.');
process.exit(1);
