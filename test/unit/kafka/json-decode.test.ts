// Unit tests of decoding one Kafka message as JSON (what the JSON consumer counts as malformed).
// Must not open connections.

import assert from 'node:assert/strict';
import { decodeJsonMessage } from '../../../src/kafka/json-consumer.js';
import { encodeJson } from '../../../src/kafka/json-producer.js';

describe('JSON message decoding', () => {
  it('decodes the key as UTF-8 and the value as JSON, exactly', () => {
    const value = { v: 1, type: 'hello', n: 1.5, s: 'é ☃', nested: [null, true] };
    assert.deepEqual(decodeJsonMessage(Buffer.from('run-1'), Buffer.from(encodeJson(value))), { ok: true, key: 'run-1', value });
    assert.deepEqual(decodeJsonMessage(null, Buffer.from('42')), { ok: true, key: null, value: 42 });
  });

  it('calls truncated JSON, a missing value and invalid UTF-8 malformed, with the reason', () => {
    const cut = decodeJsonMessage(null, Buffer.from('{"v":1,'));
    assert.equal(cut.ok, false);
    assert.match(cut.ok ? '' : cut.reason, /^value is not JSON \(/);
    assert.deepEqual(decodeJsonMessage(null, null), { ok: false, reason: 'no value' });
    assert.deepEqual(decodeJsonMessage(null, Buffer.from([0x22, 0xff, 0x22])), { ok: false, reason: 'value is not UTF-8' });
  });

  it('refuses to encode what JSON cannot represent', () => {
    assert.throws(() => encodeJson(undefined), TypeError);
    assert.throws(() => encodeJson({ n: 1n }), TypeError);
  });
});
