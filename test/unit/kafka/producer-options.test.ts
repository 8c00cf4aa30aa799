// Unit tests of producer tuning: compression names, acks values, the settings every harness producer uses.
// Must not create producers.

import assert from 'node:assert/strict';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { KafkaError } from '../../../src/core/errors.js';
import { compressionType, harnessProducerConfig, parseAcks } from '../../../src/kafka/producer-options.js';

describe('producer options (SPEC §6.3)', () => {
  it('maps none and gzip (any case) to kafkajs compression types', () => {
    assert.equal(compressionType('none'), CompressionTypes.None);
    assert.equal(compressionType(' GZIP '), CompressionTypes.GZIP);
  });

  it('refuses a codec kafkajs does not ship, before anything is sent, saying what works', () => {
    assert.throws(() => compressionType('zstd'), (err: unknown) => {
      assert.ok(err instanceof KafkaError);
      assert.match(err.message, /^compression 'zstd' needs a kafkajs codec that is not installed: use 'gzip' or 'none'/);
      return true;
    });
  });

  it('refuses an unknown compression name with a suggestion', () => {
    assert.throws(() => compressionType('gzp'), {
      message: 'compression \'gzp\' is unknown: expected one of "none", "gzip", "snappy", "lz4", "zstd" (did you mean "gzip"?)',
    });
  });

  it('accepts acks all/-1, 1 and 0 and refuses anything else', () => {
    assert.deepEqual(['all', '-1', -1, '1', 1, '0', 0].map(parseAcks), [-1, -1, -1, 1, 1, 0, 0]);
    assert.throws(() => parseAcks('2'), /acks '2' is invalid: expected all \(-1\), 1 or 0/);
  });

  it('names the default partitioner explicitly and never lets a producer create topics, whatever the caller passes', () => {
    const c = harnessProducerConfig({ idempotent: false, maxInFlightRequests: 4, ...({ allowAutoTopicCreation: true } as object) });
    assert.equal(c.createPartitioner, Partitioners.DefaultPartitioner);
    assert.equal(c.allowAutoTopicCreation, false);
    assert.equal(c.idempotent, false);
    assert.equal(c.maxInFlightRequests, 4);
  });
});
