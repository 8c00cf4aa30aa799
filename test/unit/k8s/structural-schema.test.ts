import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { toStructural } from '../../../src/control/k8s/structural-schema.js';

describe('JSON Schema → Kubernetes structural schema', () => {
  it('collapses an anyOf of literals into type + enum', () => {
    const s = toStructural(Type.Union([Type.Literal('a'), Type.Literal('b')], { description: 'pick one' }));
    assert.deepEqual(s, { description: 'pick one', type: 'string', enum: ['a', 'b'] });
  });

  it('keeps an Unsafe enum as type + enum', () => {
    assert.deepEqual(toStructural(Type.Unsafe({ type: 'string', enum: ['x', 'y'] })), { type: 'string', enum: ['x', 'y'] });
  });

  it('turns const into a one-value enum with the type of the value', () => {
    assert.deepEqual(toStructural({ const: 3 }), { type: 'integer', enum: [3] });
  });

  it('turns a null branch into nullable: true', () => {
    assert.deepEqual(toStructural(Type.Union([Type.String(), Type.Null()])), { type: 'string', nullable: true });
    assert.deepEqual(toStructural({ type: ['integer', 'null'] }), { type: 'integer', nullable: true });
  });

  it('turns integer|string into x-kubernetes-int-or-string without a type', () => {
    assert.deepEqual(toStructural(Type.Union([Type.Integer(), Type.String()])), { 'x-kubernetes-int-or-string': true });
  });

  it('widens integer|number to number', () => {
    assert.deepEqual(toStructural(Type.Union([Type.Integer(), Type.Number()])), { type: 'number' });
  });

  it('keeps any value of a union with no widest type (preserve-unknown-fields, no type)', () => {
    const s = toStructural(Type.Union([Type.String(), Type.Number(), Type.Boolean()]));
    assert.deepEqual(s, { 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('gives objects of different shapes type object with preserve-unknown-fields', () => {
    const s = toStructural(Type.Union([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Number() })]));
    assert.deepEqual(s, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('turns a Record (patternProperties) into additionalProperties with the value schema', () => {
    const s = toStructural(Type.Record(Type.String(), Type.Number({ minimum: 0 })));
    assert.deepEqual(s, { type: 'object', additionalProperties: { type: 'number', minimum: 0 } });
    assert.equal(JSON.stringify(s).includes('patternProperties'), false);
  });

  it('drops additionalProperties: false and keeps required and properties', () => {
    const s = toStructural(Type.Object({ a: Type.String(), b: Type.Optional(Type.Integer()) }, { additionalProperties: false }));
    assert.deepEqual(s, { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'integer' } } });
  });

  it('marks an object that admits unknown keys with preserve-unknown-fields (properties and additionalProperties exclude each other)', () => {
    assert.deepEqual(toStructural(Type.Object({ a: Type.String() })),
      { type: 'object', required: ['a'], properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true });
    assert.deepEqual(toStructural(Type.Object({}, { additionalProperties: true })),
      { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    const both = toStructural({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } });
    assert.equal(both.additionalProperties, undefined);
    assert.equal(both['x-kubernetes-preserve-unknown-fields'], true);
  });

  it('converts a numeric exclusiveMinimum into minimum + exclusiveMinimum: true (OpenAPI v3)', () => {
    assert.deepEqual(toStructural(Type.Number({ exclusiveMinimum: 0 })), { type: 'number', minimum: 0, exclusiveMinimum: true });
    assert.deepEqual(toStructural(Type.Number({ exclusiveMaximum: 10, maximum: 20 })), { type: 'number', maximum: 10, exclusiveMaximum: true });
    assert.deepEqual(toStructural(Type.Number({ exclusiveMinimum: 0, minimum: 5 })), { type: 'number', minimum: 5 });
  });

  it('keeps description, enum, bounds, lengths, pattern, item counts and default', () => {
    const s = toStructural(Type.Array(Type.String({ minLength: 1, maxLength: 9, pattern: '^[a-z]+$' }),
      { minItems: 1, maxItems: 3, description: 'names', default: ['a'] }));
    assert.deepEqual(s, { description: 'names', type: 'array', default: ['a'], minItems: 1, maxItems: 3,
      items: { type: 'string', minLength: 1, maxLength: 9, pattern: '^[a-z]+$' } });
    assert.deepEqual(toStructural(Type.Integer({ minimum: 1, maximum: 5, default: 2 })),
      { type: 'integer', default: 2, minimum: 1, maximum: 5 });
  });

  it('keeps formats Kubernetes knows and drops the others', () => {
    assert.deepEqual(toStructural(Type.String({ format: 'date-time' })), { type: 'string', format: 'date-time' });
    assert.deepEqual(toStructural(Type.String({ format: 'regex' })), { type: 'string' });
  });

  it('never emits $schema, $id, definitions, dependencies, additionalItems, uniqueItems or examples', () => {
    const s = toStructural({
      $schema: 'https://json-schema.org/draft/2019-09/schema', $id: 'x', definitions: { a: {} }, type: 'object',
      dependencies: { a: ['b'] }, examples: [{}],
      properties: { t: { type: 'array', items: [{ type: 'string' }, { type: 'string' }], additionalItems: false, uniqueItems: true } },
    });
    const text = JSON.stringify(s);
    for (const key of ['$schema', '$id', 'definitions', 'dependencies', 'additionalItems', 'uniqueItems', 'examples']) {
      assert.equal(text.includes(`"${key}"`), false, key);
    }
    assert.deepEqual(s.properties?.t, { type: 'array', items: { type: 'string' } });
  });

  it('gives a node without a type (Type.Unknown) preserve-unknown-fields', () => {
    assert.deepEqual(toStructural(Type.Object({ v: Type.Unknown() }, { additionalProperties: false })).properties?.v,
      { 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('infers the type from properties, items or enum when missing', () => {
    assert.equal(toStructural({ properties: {} }).type, 'object');
    assert.equal(toStructural({ items: { type: 'string' } }).type, 'array');
    assert.equal(toStructural({ enum: [1, 2.5] }).type, 'number');
  });

  it('passes x-kubernetes-* extensions through', () => {
    const rule = { rule: 'self.a > 0', message: 'a must be positive' };
    const s = toStructural(Type.Object({ a: Type.Integer() }, { additionalProperties: false, 'x-kubernetes-validations': [rule] }));
    assert.deepEqual(s['x-kubernetes-validations'], [rule]);
    const io = toStructural({ 'x-kubernetes-int-or-string': true, type: 'string' });
    assert.deepEqual(io, { 'x-kubernetes-int-or-string': true });
  });

  it('refuses $ref and allOf with the path of the node', () => {
    assert.throws(() => toStructural({ type: 'object', properties: { a: { $ref: '#/x' } } }), /\$\.a: \$ref/);
    assert.throws(() => toStructural(Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Type.String() })])), /allOf/);
  });
});
