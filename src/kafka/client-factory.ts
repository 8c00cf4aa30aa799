// Creates the kafkajs client of one role (client id, timeouts, retries, SASL/TLS, logs through our Logger) and
// connects its producers, consumers and admins within the connect timeout. Must not create topics or send data.

import { Kafka, type Admin, type AdminConfig, type Consumer, type ConsumerConfig, type KafkaConfig, type Producer, type ProducerConfig } from 'kafkajs';
import { systemClock, type Clock } from '../core/clock.js';
import { KafkaError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { parseBootstrap } from './bootstrap.js';
import { describeKafkaSettings, type KafkaEnv, type KafkaSettings } from './kafka-config.js';
import { resolveKafkaSecurity, type ReadTextFile } from './kafka-security.js';
import { hasKafkaErrorName, kafkaErrorText } from './kafkajs-errors.js';
import { kafkajsLevelFor, kafkajsLogCreator } from './kafkajs-logging.js';
import { SocketGuard } from './socket-guard.js';

/**
 * kafkajs retries per operation: 6 attempts, 100 ms doubling to at most 2 s (≈ 3–4 s in all). Long enough to ride
 * over a leader election, short enough that a dead broker surfaces within the connect timeout (10 s default)
 * instead of kafkajs' own 8 retries up to 30 s each; failures mid-run are counted by the caller, not hidden.
 */
export const KAFKA_RETRY = { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 } as const;

export interface CreateKafkaOptions {
  /** Run name; part of the client id. */
  run: string;
  /** Role ("coordinator", "ingest-3", "cli", …); part of the client id. */
  role: string;
  logger: Logger;
  /** Where env-var passwords are read (default process.env). */
  env?: KafkaEnv;
  /** Reads password and TLS files (default: fs, UTF-8). */
  readFile?: ReadTextFile;
  /** Time for log-repeat suppression (default the system clock). */
  clock?: Clock;
}

/** Anything kafkajs can connect: producer, consumer, admin. */
export interface Connectable {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** The kafkajs client id of a role: `<prefix>-<run>-<role>` (prefix 'ib' unless the settings say otherwise). */
export function kafkaClientId(prefix: string, run: string, role: string): string {
  return `${prefix}-${run}-${role}`;
}

/** "10 s", "1.5 s", "0.25 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

export class KafkaClient {
  readonly clientId: string;
  /** The bootstrap list as given ("h1:9092,h2:9092"), for messages. */
  readonly bootstrap: string;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
  private readonly guards = new WeakMap<Connectable, SocketGuard>();

  constructor(readonly settings: KafkaSettings, private readonly config: KafkaConfig & { clientId: string }, logger: Logger) {
    this.clientId = config.clientId;
    this.bootstrap = settings.brokers.join(',');
    this.connectTimeoutMs = settings.connectTimeoutMs;
    this.logger = logger;
  }

  /** A kafkajs producer (not connected); use harnessProducerConfig() for the harness' settings. */
  producer(config?: ProducerConfig): Producer {
    const guard = new SocketGuard();
    return this.guarded(this.kafkaFor(guard).producer(config), guard);
  }

  /** A kafkajs consumer (not connected). */
  consumer(config: ConsumerConfig): Consumer {
    const guard = new SocketGuard();
    return this.guarded(this.kafkaFor(guard).consumer(config), guard);
  }

  /** A kafkajs admin client (not connected). */
  admin(config?: AdminConfig): Admin {
    const guard = new SocketGuard();
    return this.guarded(this.kafkaFor(guard).admin(config), guard);
  }

  /**
   * Connects `c` or throws a KafkaError naming the bootstrap address, within the connect timeout: when kafkajs
   * gives up first (refused connections fail after its retries, ≈ 3–4 s) with its reason, otherwise at the
   * deadline. A failed client is abandoned: for clients made by this KafkaClient, its sockets are closed at once
   * and its retries cannot open new ones, so nothing outlives the failure (kafkajs alone would keep a silent
   * connection for the request timeout, 30 s, and retry behind it).
   */
  async connectOrFail(c: Connectable, what = 'client'): Promise<void> {
    const timeoutMs = this.connectTimeoutMs;
    const attempt = c.connect();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let outcome: 'ok' | 'timeout' | { error: unknown };
    try {
      outcome = await Promise.race([attempt.then(() => 'ok' as const, (error: unknown) => ({ error })), deadline]);
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'ok') {
      this.logger.debug('Kafka connected', { what, clientId: this.clientId });
      return;
    }
    const within = `within ${formatSeconds(timeoutMs)}`;
    const message = outcome === 'timeout'
      ? `Kafka unreachable at ${this.bootstrap} ${within}: no answer from any broker`
      : authOrReachability(outcome.error, this.settings, this.bootstrap, within);
    this.guards.get(c)?.abandon(`${what} abandoned: ${message}`);
    const quietly = (): Promise<void> => c.disconnect().catch(() => undefined);
    void quietly();
    void attempt.then(quietly, quietly);
    throw new KafkaError(message, outcome === 'timeout' ? undefined : { cause: outcome.error });
  }

  /** A connected admin client (connectOrFail semantics); the caller disconnects it. */
  async connectedAdmin(): Promise<Admin> {
    const admin = this.admin();
    await this.connectOrFail(admin, 'admin');
    return admin;
  }

  /** One kafkajs Kafka per producer/consumer/admin: its socket factory belongs to that one client. */
  private kafkaFor(guard: SocketGuard): Kafka {
    return new Kafka({ ...this.config, socketFactory: guard.factory });
  }

  private guarded<C extends Connectable>(c: C, guard: SocketGuard): C {
    this.guards.set(c, guard);
    return c;
  }
}

function authOrReachability(error: unknown, settings: KafkaSettings, bootstrap: string, within: string): string {
  if (hasKafkaErrorName(error, 'KafkaJSSASLAuthenticationError')) {
    const who = settings.sasl ? ` (SASL ${settings.sasl.mechanism} as '${settings.sasl.username}')` : '';
    return `Kafka at ${bootstrap} refused authentication${who}: ${kafkaErrorText(error)}`;
  }
  return `Kafka unreachable at ${bootstrap} ${within}: ${kafkaErrorText(error)}`;
}

/**
 * The kafkajs client of one role. Reads every secret and file the settings reference first, so a missing
 * password or certificate fails here (KafkaError naming the env var or file) before any network call.
 */
export function createKafka(settings: KafkaSettings, opts: CreateKafkaOptions): KafkaClient {
  const brokers = parseBootstrap(settings.brokers);
  const security = resolveKafkaSecurity(settings, opts.env ?? process.env, opts.readFile);
  const clientId = kafkaClientId(settings.clientId, opts.run, opts.role);
  const logger = opts.logger.child({}, { component: 'kafka' });
  const config: KafkaConfig & { clientId: string } = {
    clientId,
    brokers,
    connectionTimeout: settings.connectTimeoutMs,
    retry: { ...KAFKA_RETRY },
    logLevel: kafkajsLevelFor(logger),
    logCreator: kafkajsLogCreator(logger, opts.clock ?? systemClock),
  };
  if (settings.requestTimeoutMs !== undefined) config.requestTimeout = settings.requestTimeoutMs;
  if (security.ssl !== undefined) config.ssl = security.ssl;
  if (security.sasl !== undefined) config.sasl = security.sasl;
  logger.debug('Kafka client', { clientId, kafka: describeKafkaSettings(settings) });
  return new KafkaClient({ ...settings, brokers }, config, logger);
}
