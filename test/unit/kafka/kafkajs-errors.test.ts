// Unit tests of reading kafkajs errors by shape (kafkajs' error classes are reached through the default import).
// Must not open connections.

import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { hasKafkaErrorName, hasKafkaErrorType, kafkaErrorClass, kafkaErrorText } from '../../../src/kafka/kafkajs-errors.js';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSAggregateError } = kafkajs;

describe('kafkajs error reading', () => {
  const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1');
  const gaveUp = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 2000 });

  it('classes a retries-exceeded error by the error it gave up on', () => {
    assert.equal(kafkaErrorClass(gaveUp), 'KafkaJSConnectionError');
    assert.equal(kafkaErrorText(gaveUp), 'Connection error: connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(hasKafkaErrorName(gaveUp, 'KafkaJSConnectionError'), true);
    assert.equal(hasKafkaErrorName(gaveUp, 'KafkaJSSASLAuthenticationError'), false);
  });

  it('classes a protocol error by its Kafka error type, also inside an aggregate', () => {
    const cause = Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3 });
    const unknown = new KafkaJSProtocolError(cause);
    const agg = new KafkaJSAggregateError('Topic creation errors', [unknown]);
    assert.equal(kafkaErrorClass(unknown), 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.equal(hasKafkaErrorType(agg, 'UNKNOWN_TOPIC_OR_PARTITION'), true);
    assert.equal(hasKafkaErrorType(gaveUp, 'UNKNOWN_TOPIC_OR_PARTITION'), false);
  });

  it('classes anything else by its name, and never throws on odd values', () => {
    assert.equal(kafkaErrorClass(new TypeError('x')), 'TypeError');
    assert.equal(kafkaErrorClass('a string'), 'Error');
    assert.equal(kafkaErrorText(null), 'null');
    const cyclic: { name: string; cause?: unknown } = { name: 'Loop' };
    cyclic.cause = cyclic;
    assert.equal(kafkaErrorClass(cyclic), 'Loop');
  });
});
