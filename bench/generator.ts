// Self-benchmark `generator` (SPEC §18): SRE-outage events generated + serialised per second on one thread,
// against JSON.stringify of a fixed object of the same serialised size, measured in the same run. Must not
// report a figure without its reference, nor be used as a test.

import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { roundHalfUp } from '../src/core/numbers.js';
import { EventEncoder } from '../src/generators/event-encoder.js';
import { StreamSchedule, type SchedulePhase, type ScheduleStreamPhase } from '../src/generators/schedule.js';
import type { DataProfile, FieldDef } from '../src/scenario/schema.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/sre-outage.yaml', import.meta.url));
const BLOCK = 1000; // consecutive g per block, as a lane's batch would hold
const T0 = Date.UTC(2026, 0, 1);

interface Options {
  scenario: string;
  seconds: number;
  rounds: number;
}

function options(args: string[]): Options {
  const out: Options = { scenario: DEFAULT_SCENARIO, seconds: 12, rounds: 31 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = (): string => {
      const v = args[++i];
      if (v === undefined) throw new RangeError(`${a} needs a value`);
      return v;
    };
    if (a === '--scenario') out.scenario = next();
    else if (a === '--seconds') out.seconds = Number(next());
    else if (a === '--rounds') out.rounds = Number(next());
  }
  if (!(out.seconds > 0) || !(out.rounds >= 1)) throw new RangeError('--seconds and --rounds must be positive');
  if (!existsSync(out.scenario)) throw new RangeError(`scenario file ${out.scenario} not found; pass --scenario FILE`);
  return out;
}

interface ScenarioShape {
  schema: { fields: FieldDef[] };
  data_generator?: { config?: { seed?: number } };
  timeline: { phases: { name: string; duration_seconds: number; data_profile?: DataProfile; ingest?: { target_eps: number } }[] };
}

/** The stream's schedule at scale 1, with the profile rule of SPEC §3.2. */
function scheduleOf(doc: ScenarioShape): StreamSchedule {
  const phases: SchedulePhase[] = [];
  const stream: ScheduleStreamPhase[] = [];
  let offset = 0;
  let g = 0;
  for (const p of doc.timeline.phases) {
    const profile = p.data_profile ?? (p.name === 'baseline' || p.name === 'post_incident' ? 'baseline' : 'incident');
    const events = roundHalfUp((p.ingest?.target_eps ?? 0) * p.duration_seconds);
    phases.push({ offsetS: offset, durationS: p.duration_seconds, profile });
    stream.push({ firstG: g, events });
    offset += p.duration_seconds;
    g += events;
  }
  return new StreamSchedule(T0, phases, stream);
}

/** Block starts spread evenly over the run, so the profile mix is the scenario's. */
function blockStarts(schedule: StreamSchedule, blocks: number): number[] {
  const last = Math.max(0, schedule.totalEvents - BLOCK);
  return Array.from({ length: blocks }, (_, i) => Math.floor((i * last) / Math.max(1, blocks - 1)));
}

/**
 * Generates the events of the given blocks, as strings (`encode`) or as UTF-8 bytes copied out of the encoder
 * (`encodeBytes`, what a producer keeps); returns the total bytes (measuring them also flattens each text).
 */
function generate(encoder: EventEncoder, schedule: StreamSchedule, starts: readonly number[], asBytes = false): number {
  let bytes = 0;
  for (const first of starts) {
    let p = schedule.phaseOf(first);
    let phaseEnd = schedule.streamPhases[p]!.firstG + schedule.streamPhases[p]!.events;
    let profile = schedule.phases[p]!.profile;
    for (let g = first; g < first + BLOCK; g++) {
      if (g >= phaseEnd) {
        p = schedule.phaseOf(g);
        phaseEnd = schedule.streamPhases[p]!.firstG + schedule.streamPhases[p]!.events;
        profile = schedule.phases[p]!.profile;
      }
      const ms = schedule.timeIn(p, g);
      bytes += asBytes ? Buffer.from(encoder.encodeBytes(g, ms, profile)).length : Buffer.byteLength(encoder.encode(g, ms, profile));
    }
  }
  return bytes;
}

function stringifyLoop(reference: Record<string, unknown>, count: number): number {
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += Buffer.byteLength(JSON.stringify(reference));
  return bytes;
}

/**
 * The fixed object: a real event of typical size (the sampled event closest to the mean), its longest text
 * value stretched or cut by the few bytes left so that it serialises to exactly `size` bytes.
 */
function referenceObject(encoder: EventEncoder, schedule: StreamSchedule, size: number): Record<string, unknown> {
  let best: Record<string, unknown> = {};
  let bestDiff = Infinity;
  const samples = 2000;
  for (let i = 0; i < samples && bestDiff > 0; i++) {
    const g = Math.floor((i * (schedule.totalEvents - 1)) / (samples - 1));
    const obj = encoder.values(g, schedule.scheduledTimeOf(g), schedule.profileOf(g));
    const diff = Math.abs(size - Buffer.byteLength(JSON.stringify(obj)));
    if (diff < bestDiff) {
      best = obj;
      bestDiff = diff;
    }
  }
  const texts = Object.entries(best).filter((e): e is [string, string] => typeof e[1] === 'string');
  const [key, text] = texts.reduce((a, b) => (b[1].length > a[1].length ? b : a));
  const diff = size - Buffer.byteLength(JSON.stringify(best));
  best[key] = diff >= 0 ? text + 'x'.repeat(diff) : text.slice(0, Math.max(0, text.length + diff));
  return best;
}

/** Buffer.from(JSON.stringify(reference)): the bytes a producer would send for the fixed object. */
function stringifyBytesLoop(reference: Record<string, unknown>, count: number): number {
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += Buffer.from(JSON.stringify(reference)).length;
  return bytes;
}

/** Rates of repeated timed runs, by CPU time of this process and by wall clock. */
class Rates {
  readonly cpu: number[] = [];
  readonly wall: number[] = [];

  time(events: number, run: () => void): void {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const wallS = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    this.wall.push(events / wallS);
    this.cpu.push(events / Math.max(cpuS, 1e-6));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'unknown cpu'}, ${c.length} cores, node ${process.version}`;
}

export async function runGeneratorBench(args: string[]): Promise<Record<string, unknown>> {
  const opts = options(args);
  const doc = parse(readFileSync(opts.scenario, 'utf8')) as ScenarioShape;
  const seed = doc.data_generator?.config?.seed ?? 42;
  const encoder = new EventEncoder({ fields: doc.schema.fields, seed });
  const schedule = scheduleOf(doc);

  // Warm-up (also the size sample and the calibration of the round length).
  const warmStarts = blockStarts(schedule, 300);
  let t = performance.now();
  const warmBytes = generate(encoder, schedule, warmStarts);
  const warmEvents = warmStarts.length * BLOCK;
  const eventBytes = warmBytes / warmEvents;
  const perEventMs = (performance.now() - t) / warmEvents;
  const reference = referenceObject(encoder, schedule, roundHalfUp(eventBytes));
  stringifyLoop(reference, warmEvents);

  // Many short alternating rounds, so both sides see the same machine; rates per CPU-second of this process
  // (user + system) are immune to time spent descheduled by other load, wall-clock rates are reported beside.
  const roundMs = (opts.seconds * 1000) / (2 * opts.rounds);
  const blocks = Math.max(1, Math.round(roundMs / perEventMs / BLOCK));
  const starts = blockStarts(schedule, blocks);
  const count = blocks * BLOCK;
  const gen = new Rates();
  const ref = new Rates();
  const genBytes = new Rates();
  const refBytes = new Rates();
  const ratios: number[] = [];
  const bytesRatios: number[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    gen.time(count, () => generate(encoder, schedule, starts));
    ref.time(count, () => stringifyLoop(reference, count));
    ratios.push(gen.cpu[r]! / ref.cpu[r]!);
    if (r % 3 === 0) { // the bytes comparison is secondary: a third of the rounds
      genBytes.time(count, () => generate(encoder, schedule, starts, true));
      refBytes.time(count, () => stringifyBytesLoop(reference, count));
      bytesRatios.push(genBytes.cpu[genBytes.cpu.length - 1]! / refBytes.cpu[refBytes.cpu.length - 1]!);
    }
  }
  const result = {
    bench: 'generator',
    eps: Math.round(median(gen.cpu)),
    reference_eps: Math.round(median(ref.cpu)),
    ratio: Math.round(median(ratios) * 1000) / 1000,
    event_bytes: Math.round(eventBytes * 10) / 10,
    wall_eps: Math.round(median(gen.wall)),
    wall_reference_eps: Math.round(median(ref.wall)),
    bytes_eps: Math.round(median(genBytes.cpu)),
    bytes_reference_eps: Math.round(median(refBytes.cpu)),
    bytes_ratio: Math.round(median(bytesRatios) * 1000) / 1000,
    machine: machine(),
  };
  const row = (k: string, v: string) => `  ${k.padEnd(44)}${v}`;
  const num = (x: number) => Math.round(x).toLocaleString('en-US');
  const spread = (xs: number[]) => `${Math.round(Math.min(...xs) / 1000)}k … ${Math.round(Math.max(...xs) / 1000)}k`;
  console.log(`generator: SRE-outage events generated + serialised on one thread; ${opts.rounds} alternating rounds`
    + ` of ${num(count)} events each (medians; per CPU-second, wall clock beside)`);
  console.log(row('events/s, EventEncoder.encode', `${num(result.eps)}   (${spread(gen.cpu)}; wall ${num(result.wall_eps)})`));
  console.log(row('events/s, JSON.stringify of the same size', `${num(result.reference_eps)}   (${spread(ref.cpu)}; wall ${num(result.wall_reference_eps)})`));
  console.log(row('ratio per round pair (target ≥ 0.95)', `${result.ratio.toFixed(3)}   (${Math.min(...ratios).toFixed(2)} … ${Math.max(...ratios).toFixed(2)})`));
  console.log(row('UTF-8 bytes: encodeBytes + copy, events/s', num(result.bytes_eps)));
  console.log(row('UTF-8 bytes: Buffer.from(JSON.stringify)', num(result.bytes_reference_eps)));
  console.log(row('bytes ratio per round pair', result.bytes_ratio.toFixed(3)));
  console.log(row('mean event size', `${result.event_bytes} B (UTF-8)`));
  console.log(row('machine', result.machine));
  return result;
}
