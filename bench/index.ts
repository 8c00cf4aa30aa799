// `npm run bench -- <name> [args]`: runs one self-benchmark of the harness and prints its figures as one
// JSON object on the last line (SPEC §18). Must not judge the figures; each bench prints its own table.

const BENCHES: Record<string, () => Promise<(args: string[]) => Promise<Record<string, unknown>>>> = {
  aggregator: async () => (await import('./aggregator.js')).runAggregatorBench,
  generator: async () => (await import('./generator.js')).runGeneratorBench,
  ingest: async () => (await import('./ingest.js')).runIngestBench,
  memory: async () => (await import('./memory.js')).runMemoryBench,
  'query-timer': async () => (await import('./query-timer.js')).runQueryTimerBench,
};

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? BENCHES[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [args]\n`);
    return 1;
  }
  const figures = await (await load())(args);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  return 0;
}

process.exitCode = await main();
