// `node --import tsx linkify-long.ts <n>`: linkify once on a link that is one run of n dots, then
// n exclamation marks, and print what came out (as lengths). A separate process, so that a quadratic
// version cannot block the test runner: the test kills this process instead.
import { linkify } from '../../../src/ui/linkify';

const n = Number(process.argv[2]);
const parts = linkify(`https://a.example/${'.'.repeat(n)}x and ${'!'.repeat(n)}`);
console.log(JSON.stringify(parts.map((p) => (typeof p === 'string' ? { text: p.length } : { link: p.text.length, href: p.href.length }))));
