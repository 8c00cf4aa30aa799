// `incidentbench generate`: prints a stream's events for a range of g as JSON lines, reproducibly
// (SPEC §5.1, §14). Must not touch Kafka; sentinel ids are not substituted (they need a run id).

import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { EventEncoder } from '../../generators/event-encoder.js';
import { StreamSchedule } from '../../generators/schedule.js';
import { DEFAULTS } from '../../scenario/defaults.js';
import { loadScenarioFile } from '../../scenario/load-scenario.js';
import { buildPlan } from '../../scenario/plan.js';
import { resolveScenario } from '../../scenario/resolve.js';
import { didYouMean } from '../../scenario/suggest.js';
import { parseT0, positiveNumber, wholeNumber } from '../flag-values.js';

interface GenerateFlags {
  count: number;
  start: number;
  phase?: string;
  stream?: string;
  seed?: number;
  t0: number;
  lanes?: number;
  lane?: number;
  durationScale?: number;
  rateScale?: number;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('print events as JSON lines in order of g (time and profile follow from g)')
    .argument('<scenario>', 'scenario YAML file')
    .option('--count <n>', 'how many g to cover (with --phase: at most to the end of the phase)', wholeNumber('--count', 0), 10)
    .option('--start <g>', 'first g (with --phase: counted from the phase\'s first g)', wholeNumber('--start', 0), 0)
    .option('--phase <name>', 'start at this phase and stay inside it')
    .option('--stream <name>', 'the stream (required when the scenario has several)')
    .option('--seed <s>', 'seed: a single stream gets s, stream i of several s + i', wholeNumber('--seed', 0))
    .option('--t0 <t>', 'run start: unix ms or ISO-8601, a whole second', parseT0, DEFAULTS.t0)
    .option('--lanes <L>', 'split into L lanes and print only lane --lane', wholeNumber('--lanes', 1))
    .option('--lane <l>', 'the lane to print, 0 ≤ l < L', wholeNumber('--lane', 0))
    .option('--duration-scale <x>', 'multiply every phase duration', positiveNumber('--duration-scale'))
    .option('--rate-scale <y>', 'multiply every EPS target', positiveNumber('--rate-scale'))
    .action(async (file: string, f: GenerateFlags) => {
      if ((f.lanes === undefined) !== (f.lane === undefined)) throw new UsageError('--lanes and --lane go together');
      if (f.lanes !== undefined && f.lane! >= f.lanes) {
        throw new UsageError(`--lane must be below --lanes (${f.lanes}), got ${f.lane}`);
      }
      const loaded = loadScenarioFile(file);
      const scenario = resolveScenario(loaded.doc, { baseDir: loaded.baseDir, durationScale: f.durationScale ?? 1,
        rateScale: f.rateScale ?? 1, seed: f.seed ?? null });
      if (scenario.streams.length === 0) throw new UsageError(`${file}: a query-only scenario has no events to generate`);
      const names = scenario.streams.map((s) => s.name);
      let si = 0;
      if (f.stream !== undefined) {
        si = names.indexOf(f.stream);
        if (si < 0) throw new UsageError(`--stream: ${JSON.stringify(f.stream)} is not a stream of the scenario${didYouMean(f.stream, names)}; expected one of ${names.join(', ')}`);
      } else if (names.length > 1) {
        throw new UsageError(`--stream is required: the scenario has several streams (${names.join(', ')})`);
      }
      const plan = buildPlan(scenario, { runName: 'generate', runId: 'generate', durationScale: f.durationScale ?? 1,
        rateScale: f.rateScale ?? 1, ingestWorkers: 1, threads: 1, queryWorkers: 1 });
      const stream = plan.streams[si]!;
      const schedule = new StreamSchedule(f.t0, plan.phases, stream.phases);
      let from = f.start;
      let end = schedule.totalEvents;
      if (f.phase !== undefined) {
        const p = plan.phases.findIndex((ph) => ph.name === f.phase);
        if (p < 0) {
          const phases = plan.phases.map((ph) => ph.name);
          throw new UsageError(`--phase: ${JSON.stringify(f.phase)} is not a phase${didYouMean(f.phase, phases)}; expected one of ${phases.join(', ')}`);
        }
        from = stream.phases[p]!.firstG + f.start;
        end = stream.phases[p]!.firstG + stream.phases[p]!.events;
      }
      const to = Math.min(end, from + f.count);
      const encoder = new EventEncoder({ fields: scenario.streams[si]!.fields, seed: stream.seed });
      const lanes = f.lanes ?? 1;
      const lane = f.lane ?? 0;
      function* lines(): Generator<string> {
        for (let g = from + ((((lane - from) % lanes) + lanes) % lanes); g < to; g += lanes) {
          const p = schedule.phaseOf(g);
          yield encoder.encode(g, schedule.timeIn(p, g), plan.phases[p]!.profile);
        }
      }
      await writeLines(lines());
    });
}

/** Streams lines to stdout in 64 KiB chunks with back-pressure; a closed pipe (`| head`) ends quietly. */
async function writeLines(lines: Iterable<string>): Promise<void> {
  const out = process.stdout;
  let closed = false;
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  const flush = async (chunk: string) => {
    if (!out.write(chunk)) {
      await new Promise<void>((resolve) => {
        out.once('drain', resolve);
        out.once('error', () => resolve());
      });
    }
  };
  let chunk = '';
  for (const line of lines) {
    if (closed) return;
    chunk += `${line}\n`;
    if (chunk.length >= 1 << 16) {
      await flush(chunk);
      chunk = '';
    }
  }
  if (chunk && !closed) await flush(chunk);
}
