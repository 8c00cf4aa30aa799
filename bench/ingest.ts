// Self-benchmark `ingest` (SPEC §18): sustained acked EPS of one ingest worker (all lane threads) into Kafka vs a
// bare kafkajs producer sending pre-serialised messages of the same size from one thread, same broker, same run;
// then the rate error at 50 % of the measured capacity. Must not judge the figures, nor be used as a test.

import { cpus } from 'node:os';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { silentLogger } from '../src/core/logger.js';
import { systemTimers } from '../src/core/timers.js';
import { EventEncoder } from '../src/generators/event-encoder.js';
import { Hist } from '../src/metrics/hist.js';
import { IngestWorker } from '../src/generators/ingest-worker.js';
import { kafkaSettingsFromEnv } from '../src/kafka/kafka-config.js';
import { cpuLimitCores } from '../src/metrics/cpu-limit.js';
import { defaultLocalThreads } from '../src/scenario/defaults.js';
import { loadScenarioFile } from '../src/scenario/load-scenario.js';
import type { RunPlan } from '../src/scenario/plan-types.js';
import { resolveScenario } from '../src/scenario/resolve.js';
import { steadyPlan } from './steady-plan.js';
import { startTestKafka, type TestKafka } from '../test/support/test-kafka/index.js';

interface Options {
  kafka: string | null;
  seconds: number;
  threads: number;
}

function options(args: string[]): Options {
  const o: Options = { kafka: null, seconds: 10, threads: Math.max(2, defaultLocalThreads(cpuLimitCores())) };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    if (args[i] === '--kafka' && v) (o.kafka = v), i++;
    else if (args[i] === '--seconds' && v) (o.seconds = Number(v)), i++;
    else if (args[i] === '--threads' && v) (o.threads = Number(v)), i++;
    else throw new RangeError(`unknown bench argument ${args[i]}; expected --kafka B, --seconds N, --threads T`);
  }
  return o;
}

let runCounter = 0;

function planAt(eps: number, seconds: number, threads: number, bootstrap: string): RunPlan {
  return steadyPlan({ runName: `bench-ingest-${process.pid}-${runCounter++}`, eps, qps: 0, seconds, threads, bootstrap,
    partitions: 8 });
}

/** Runs one worker at `eps` for the plan's duration; acked EPS over the timeline. */
async function worker(eps: number, o: Options, bootstrap: string, kafka: TestKafka | null) {
  const plan = planAt(eps, o.seconds, o.threads, bootstrap);
  await kafka?.createTopic(plan.streams[0]!.topic, 8);
  const delay = new Hist();
  const w = new IngestWorker({ plan, index: 0, kafka: kafkaSettingsFromEnv({}, { bootstrap }), timers: systemTimers,
    logger: silentLogger,
    publish: async (snap) => {
      if (snap.ingest) delay.addEncoded(snap.ingest.produceDelay);
      for (const late of Object.values(snap.late ?? {})) if (late.ingest) delay.addEncoded(late.ingest.produceDelay);
    },
    sampleProc: () => ({ cpuPct: 0, cpuLimitCores: 0, rssMb: 0, eventLoopDelayP99Ms: 0 }), laneLogLevel: 'error' });
  await w.warmUp();
  const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  const totals = (await w.run(t0)).ingest!;
  await w.close();
  return { ...totals, eps: totals.acked / o.seconds, delayP50Ms: delay.percentileMs(50), delayP99Ms: delay.percentileMs(99) };
}

/** A bare kafkajs producer on this thread: pre-serialised events, 1000 per send, 8 sends in flight. */
async function reference(o: Options, bootstrap: string, kafka: TestKafka | null, sample: string[]) {
  const topic = `bench-ingest-reference-${process.pid}`;
  await kafka?.createTopic(topic, 8);
  const client = new Kafka({ brokers: bootstrap.split(','), clientId: 'ib-bench-reference', logLevel: logLevel.NOTHING });
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const batch = Array.from({ length: 1000 }, (_, i) => ({ value: sample[i % sample.length]! }));
  const end = Date.now() + o.seconds * 1000;
  let acked = 0;
  const loop = async () => {
    while (Date.now() < end) {
      await producer.send({ topic, messages: batch, acks: -1 });
      acked += batch.length;
    }
  };
  const start = Date.now();
  await Promise.all(Array.from({ length: 8 }, loop));
  const seconds = (Date.now() - start) / 1000;
  await producer.disconnect();
  return { eps: acked / seconds };
}

export async function runIngestBench(args: string[]): Promise<Record<string, unknown>> {
  const o = options(args);
  const kafka = o.kafka ? null : await startTestKafka();
  const bootstrap = o.kafka ?? kafka!.bootstrap;
  try {
    const loaded = loadScenarioFile('scenarios/sre-outage.yaml');
    const fields = resolveScenario(loaded.doc, { baseDir: 'scenarios' }).streams[0]!.fields;
    const enc = new EventEncoder({ fields, seed: 42 });
    const sample = Array.from({ length: 1000 }, (_, g) => enc.encode(g, Date.now(), 'incident'));
    const bytes = Math.round(sample.reduce((a, s) => a + Buffer.byteLength(s), 0) / sample.length);

    const ref = await reference(o, bootstrap, kafka, sample);
    const flood = await worker(Math.round(ref.eps * 2.5), o, bootstrap, kafka);
    const half = Math.round(flood.eps / 2);
    const steady = await worker(half, o, bootstrap, kafka);
    const rateErrorPct = (Math.abs(steady.eps - half) / half) * 100;
    const figures = {
      bench: 'ingest',
      eps: Math.round(flood.eps),
      reference_eps: Math.round(ref.eps),
      ratio: Number((flood.eps / ref.eps).toFixed(3)),
      rate_error_pct: Number(rateErrorPct.toFixed(3)),
      produce_delay_p99_ms_at_50pct: steady.delayP99Ms,
      threads: o.threads,
      event_bytes: bytes,
      seconds: o.seconds,
      kafka: o.kafka ? o.kafka : 'test Kafka (librdkafka mock cluster, 1 broker)',
      machine: `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, node ${process.versions.node}`,
    };
    const row = (k: string, v: string) => process.stdout.write(`${k.padEnd(34)}${v}\n`);
    row('bare kafkajs producer (1 thread)', `${figures.reference_eps.toLocaleString('en-US')} EPS`);
    row(`ingest worker (${o.threads} lane threads)`, `${figures.eps.toLocaleString('en-US')} EPS (target ${Math.round(ref.eps * 2.5).toLocaleString('en-US')}, missed ${flood.missed.toLocaleString('en-US')}, failed ${flood.failed})`);
    row('ratio worker / bare producer', String(figures.ratio));
    row(`at 50 % (${half.toLocaleString('en-US')} EPS target)`, `${Math.round(steady.eps).toLocaleString('en-US')} EPS acked, missed ${steady.missed}, failed ${steady.failed}`);
    row('rate error at 50 %', `${figures.rate_error_pct} %`);
    row('produce delay at 50 % (p50 / p99)', `${steady.delayP50Ms} / ${steady.delayP99Ms} ms (ack time − scheduled time)`);
    row('event size', `${bytes} B`);
    return figures;
  } finally {
    await kafka?.stop();
  }
}
