// Unit tests of the kafkajs → Logger bridge: level mapping, fields, repeat suppression on an injected clock.
// Must not start kafkajs clients.

import assert from 'node:assert/strict';
import { logLevel, type LogEntry } from 'kafkajs';
import { ManualClock } from '../../../src/core/clock.js';
import { Logger, type LogLevel } from '../../../src/core/logger.js';
import { kafkajsLevelFor, kafkajsLogCreator, ourLevel, RepeatFilter } from '../../../src/kafka/kafkajs-logging.js';

function capture(level: LogLevel): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const logger = new Logger({ json: true, level, run: 'r1', role: 'coordinator', sink: { write: (l: string) => out.push(l) }, now: () => 0 });
  return { logger, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function entry(level: logLevel, namespace: string, message: string, extra: Record<string, unknown> = {}): LogEntry {
  return { level, namespace, label: 'X', log: { timestamp: '2026-01-01T00:00:00.000Z', logger: 'kafkajs', message, ...extra } };
}

describe('kafkajs log bridge', () => {
  it('maps kafkajs ERROR and WARN to warn, INFO and DEBUG to debug', () => {
    assert.deepEqual([logLevel.ERROR, logLevel.WARN, logLevel.INFO, logLevel.DEBUG].map(ourLevel), ['warn', 'warn', 'debug', 'debug']);
  });

  it('asks kafkajs for DEBUG only when our logger writes debug lines', () => {
    assert.equal(kafkajsLevelFor(capture('debug').logger), logLevel.DEBUG);
    assert.equal(kafkajsLevelFor(capture('info').logger), logLevel.WARN);
    assert.equal(kafkajsLevelFor(capture('error').logger), logLevel.NOTHING);
  });

  it('writes the message with the kafkajs namespace and extras, dropping kafkajs bookkeeping and the stack', () => {
    const { logger, lines } = capture('info');
    const log = kafkajsLogCreator(logger, new ManualClock(0))(logLevel.WARN);
    log(entry(logLevel.ERROR, 'Connection', 'Connection error: connect ECONNREFUSED', { broker: 'k:1', stack: 'Error: …' }));
    log(entry(logLevel.INFO, 'Consumer', 'Starting'));
    assert.deepEqual(lines(), [
      { t: '1970-01-01T00:00:00.000Z', level: 'warn', run: 'r1', role: 'coordinator', msg: 'Connection error: connect ECONNREFUSED',
        kafkajs: 'Connection', broker: 'k:1' },
    ]);
  });

  it('writes a repeated warning once per 10 s, then says how many it held back', () => {
    const { logger, lines } = capture('info');
    const clock = new ManualClock(1000);
    const log = kafkajsLogCreator(logger, clock)(logLevel.WARN);
    for (let i = 0; i < 5; i++) {
      log(entry(logLevel.ERROR, 'Producer', 'Failed to send messages'));
      clock.advance(1000);
    }
    log(entry(logLevel.ERROR, 'Connection', 'Failed to send messages'));
    clock.set(11_000);
    log(entry(logLevel.ERROR, 'Producer', 'Failed to send messages'));
    assert.deepEqual(lines().map((l) => [l.kafkajs, l.repeated]), [['Producer', undefined], ['Connection', undefined], ['Producer', 4]]);
  });

  it('forgets old keys when many distinct lines arrive, instead of growing without bound', () => {
    const clock = new ManualClock(0);
    const f = new RepeatFilter(clock, 100);
    for (let i = 0; i < 2000; i++) assert.deepEqual(f.admit(`k${i}`), { repeated: 0 });
    assert.equal(f.admit('k1999'), null);
    clock.advance(100);
    assert.deepEqual(f.admit('k1999'), { repeated: 1 });
  });
});
