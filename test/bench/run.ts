// `npm run bench [-- name…]`: runs the benchmarks, prints one table, writes test/bench/results.json.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Bench, Row } from './lib';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);

async function main(): Promise<void> {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const file of files) {
    const { bench } = (await import(`./${file}`)) as { bench: Bench };
    if (only.length && !only.some((o) => bench.name.includes(o))) continue;
    console.error(`bench: running ${bench.name}…`);
    try {
      rows.push(...(await bench.run()));
    } catch (error) {
      failures.push(`${bench.name}: ${(error as Error).stack ?? error}`);
    }
  }
  const table = rows.map((r) => ({
    bench: r.bench,
    metric: r.metric,
    value: `${r.value} ${r.unit}`,
    target: r.target ?? '',
    ok: r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
    note: r.note ?? '',
  }));
  console.table(table);
  // A partial run (`npm run bench -- name`) replaces only the rows of the benchmarks it ran.
  const file = `${here}/results.json`;
  const ran = new Set(rows.map((r) => r.bench));
  const previous: Row[] = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { rows?: Row[] }).rows ?? []) : [];
  const merged = [...previous.filter((r) => !ran.has(r.bench)), ...rows];
  const results = { generatedAt: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, rows: merged };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`bench: wrote test/bench/results.json (${rows.length} rows from this run, ${merged.length} in all)`);
  if (failures.length) {
    console.error(`bench: ${failures.length} benchmark(s) failed to run:\n${failures.join('\n')}`);
    process.exit(1);
  }
}

void main();
