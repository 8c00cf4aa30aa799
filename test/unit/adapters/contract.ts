// The contract every target adapter keeps (SPEC §8.1, §8.5), one suite each adapter runs on its own scripted HTTP peer.
// Must not hold adapter-specific expectations (those live in each adapter's own tests).

import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/core/errors.js';
import { Logger } from '../../../src/core/logger.js';
import type {
  CleanupContext, CompiledQuery, PrepareContext, PrepareResult, RunContext, StreamContext, TargetAdapter,
} from '../../../src/adapters/types.js';
import { HttpScript, type Reply } from '../../fixtures/http/http-script.js';

/** Log lines of a test, kept for assertions. */
export class LogLines {
  readonly lines: string[] = [];
  readonly logger = new Logger({ json: true, level: 'debug', sink: { write: (l: string) => this.lines.push(l) } });
  messages(level?: string): string[] {
    return this.lines.map((l) => JSON.parse(l) as { level: string; msg: string })
      .filter((l) => level === undefined || l.level === level).map((l) => l.msg);
  }
}

export const RUN = 'r1';
export const RUN_ID = '5b7e0c1a-93f2-4d6e-8a51-0c2f7d9e4b18';
export const SENTINEL_0 = 'ib-5b7e0c1a-0';
export const SENTINEL_1 = 'ib-5b7e0c1a-1';
export const SENTINEL_2 = 'ib-5b7e0c1a-2';

/** One realistic stream: every field type and a dotted name. */
export function appStream(over: Partial<StreamContext> = {}): StreamContext {
  return {
    name: 'app',
    index: 'ib-app-logs',
    timestampField: 'ts',
    fields: [
      { name: 'ts', type: 'timestamp', generator: 'now' },
      { name: 'level', type: 'keyword', generator: 'weighted_enum' },
      { name: 'service', type: 'keyword', generator: 'enum' },
      { name: 'message', type: 'text', generator: 'template' },
      { name: 'trace_id', type: 'keyword', generator: 'hex' },
      { name: 'kubernetes.pod_name', type: 'keyword', generator: 'pattern' },
      { name: 'kubernetes.namespace', type: 'keyword', generator: 'enum' },
      { name: 'status', type: 'int', generator: 'range' },
      { name: 'bytes', type: 'long', generator: 'range' },
      { name: 'latency_ms', type: 'float', generator: 'distribution' },
      { name: 'client_ip', type: 'ip', generator: 'ip' },
      { name: 'retry', type: 'boolean', generator: 'enum' },
    ],
    topic: `ib.${RUN}.events`,
    partitions: 4,
    ...over,
  };
}

export function runContext(logs: LogLines, streams: StreamContext[] = [appStream()]): RunContext {
  return { run: RUN, runId: RUN_ID, streams, logger: logs.logger };
}

export function prepareContext(logs: LogLines, streams: StreamContext[] = [appStream()], reuseTarget = false): PrepareContext {
  return { ...runContext(logs, streams), kafkaBootstrap: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'], reuseTarget };
}

export function cleanupContext(logs: LogLines, prepared: PrepareResult | null, streams: StreamContext[] = [appStream()])
  : CleanupContext {
  return { ...runContext(logs, streams), prepared };
}

/** A hand-written compiled search (hits recorded) against the stream's index. */
export function compiledSearch(index = 'ib-app-logs'): CompiledQuery {
  return {
    name: 'error_search',
    kind: 'search',
    stream: 'app',
    index,
    timeoutMs: 5000,
    variables: ['svc'],
    compiled: {
      language: 'dsl',
      index,
      body: {
        query: { bool: { filter: [{ term: { level: 'ERROR' } }, { term: { service: { $ibVar: 'svc', as: 'string' } } }] } },
        size: 10,
        track_total_hits: true,
      },
    },
  };
}

/** What one adapter supplies to run the shared contract. */
export interface ContractSubject {
  adapter: string;
  /** A config that is valid with `env`. */
  validConfig: Record<string, unknown>;
  env: Record<string, string>;
  /** Configs that must be refused, each naming `keys` (document paths as printed, e.g. `ingest.consumer_group`). */
  invalidConfigs: { title: string; config: unknown; env?: Record<string, string>; keys: string[] }[];
  /** Builds the adapter on `http` (throws ConfigError for a bad config). */
  create(config: unknown, env: Record<string, string>, http: HttpScript): TargetAdapter;
  /** Runs prepare to the end (driving injected timers when the adapter polls). */
  runPrepare(adapter: TargetAdapter, ctx: PrepareContext): Promise<PrepareResult>;
  /** Scripts the replies of one prepare when nothing exists yet / when everything already exists (and is empty). */
  scriptPrepare(http: HttpScript, state: 'fresh' | 'existing'): void;
  /** Scripts the replies of a cleanup after `prepared` (null: unknown) where every object is already gone. */
  scriptCleanupGone(http: HttpScript, prepared: PrepareResult | null): void;
  /** Scripts one probe request whose answer holds SENTINEL_0 and SENTINEL_2 (of 0, 1, 2). */
  scriptProbe(http: HttpScript, reply: 'found' | 'not_found'): void;
  /** The endpoint queries go to, and the request that executing compiledSearch() sends there. */
  queryEndpoint: string;
  scriptExecute(http: HttpScript, reply: Reply): void;
  /** A 2xx search answer and the hits it holds. */
  okSearch: { reply: Reply; hits: number };
  /** A 503 answer body. */
  unavailable: Reply;
}

export function describeAdapterContract(s: ContractSubject): void {
  describe(`${s.adapter} adapter: the shared contract (SPEC §8.1)`, () => {
    let http: HttpScript;
    let logs: LogLines;
    beforeEach(() => {
      http = new HttpScript();
      logs = new LogLines();
    });
    afterEach(async () => {
      await http.close();
    });

    for (const bad of s.invalidConfigs) {
      it(`refuses a config where ${bad.title}, naming ${bad.keys.join(', ')}, before any request`, () => {
        let thrown: unknown;
        try {
          s.create(bad.config, bad.env ?? s.env, http);
        } catch (err) {
          thrown = err;
        }
        assert.ok(thrown instanceof ConfigError, `expected a ConfigError, got ${String(thrown)}`);
        const paths = thrown.problems.map((p) => p.path);
        for (const key of bad.keys) assert.ok(paths.includes(key), `no problem at ${key}: ${thrown.message}`);
        for (const p of thrown.problems) assert.doesNotMatch(p.message, /\n/);
        assert.equal(http.calls.length, 0);
      });
    }

    it('accepts the valid config without any request', () => {
      const adapter = s.create(s.validConfig, s.env, http);
      assert.equal(adapter.name, s.adapter);
      assert.equal(http.calls.length, 0);
    });

    it('prepares twice in a row: the second call, finding everything in place, succeeds too', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      s.scriptPrepare(http, 'fresh');
      const first = await s.runPrepare(adapter, prepareContext(logs));
      const firstCalls = http.calls.length;
      s.scriptPrepare(http, 'existing');
      const second = await s.runPrepare(adapter, prepareContext(logs));
      http.assertAllUsed();
      assert.ok(firstCalls > 0);
      assert.deepEqual(second.consumerGroups, first.consumerGroups);
      assert.deepEqual(second.queryEndpoints, first.queryEndpoints);
      assert.ok((first.created ?? []).length > 0, 'the first prepare created something');
      assert.deepEqual(second.created ?? [], [], 'the second prepare created nothing');
    });

    it('cleanup treats "not found" as success and can run twice', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      s.scriptCleanupGone(http, null);
      await adapter.cleanup(cleanupContext(logs, null));
      const once = http.calls.length;
      s.scriptCleanupGone(http, null);
      await adapter.cleanup(cleanupContext(logs, null));
      http.assertAllUsed();
      assert.ok(once > 0);
      assert.equal(http.calls.length, 2 * once);
      assert.ok(http.calls.every((c) => c.method === 'DELETE'));
    });

    it('probe sends one request for all pending ids and answers the found ones as a Set', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      s.scriptProbe(http, 'found');
      const found = await adapter.probe([SENTINEL_0, SENTINEL_1, SENTINEL_2], runContext(logs));
      http.assertAllUsed();
      assert.equal(http.calls.length, 1);
      assert.ok(found instanceof Set);
      assert.deepEqual([...found].sort(), [SENTINEL_0, SENTINEL_2]);
    });

    it('probe of an index that does not exist (404) finds nothing, without throwing', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      s.scriptProbe(http, 'not_found');
      const found = await adapter.probe([SENTINEL_0], runContext(logs));
      assert.equal(found.size, 0);
      assert.equal(http.calls.length, 1);
    });

    it('probe with no pending id sends nothing', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      assert.equal((await adapter.probe([], runContext(logs))).size, 0);
      assert.equal(http.calls.length, 0);
    });

    it('execute answers ok with the hit count of a 2xx answer', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      s.scriptExecute(http, s.okSearch.reply);
      const r = await adapter.execute(compiledSearch(), { svc: 'checkout' }, s.queryEndpoint, new AbortController().signal);
      assert.deepEqual(r, { ok: true, hits: s.okSearch.hits });
    });

    it('execute classifies a 503 as http_503 and does not throw', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      s.scriptExecute(http, s.unavailable);
      const r = await adapter.execute(compiledSearch(), { svc: 'checkout' }, s.queryEndpoint, new AbortController().signal);
      assert.equal(r.ok, false);
      assert.equal(r.hits, null);
      assert.equal(r.errorClass, 'http_503');
      assert.match(r.error ?? '', /^HTTP 503: /);
    });

    it('execute classifies an aborted request (the query timeout) as timeout', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      s.scriptExecute(http, { hang: true });
      const ac = new AbortController();
      const pending = adapter.execute(compiledSearch(), { svc: 'checkout' }, s.queryEndpoint, ac.signal);
      await http.waitForCalls(1);
      ac.abort();
      const r = await pending;
      assert.equal(r.ok, false);
      assert.equal(r.errorClass, 'timeout');
    });

    it('execute classifies a refused connection as connect', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:9200'), { code: 'ECONNREFUSED' });
      s.scriptExecute(http, { error: refused });
      const r = await adapter.execute(compiledSearch(), { svc: 'checkout' }, s.queryEndpoint, new AbortController().signal);
      assert.equal(r.ok, false);
      assert.equal(r.errorClass, 'connect');
      assert.match(r.error ?? '', /ECONNREFUSED/);
    });

    it('execute reports a missing variable as bad_variable without sending anything', async () => {
      const adapter = s.create(s.validConfig, s.env, http);
      const r = await adapter.execute(compiledSearch(), {}, s.queryEndpoint, new AbortController().signal);
      assert.equal(r.ok, false);
      assert.equal(r.errorClass, 'bad_variable');
      assert.equal(http.calls.length, 0);
    });
  });
}
