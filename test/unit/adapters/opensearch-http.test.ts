import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TargetError } from '../../../src/core/errors.js';
import { createOpenSearchAdapter } from '../../../src/adapters/opensearch/index.js';
import { indexSegment, transportFailure } from '../../../src/adapters/opensearch/http-client.js';
import { lastInteger, stateUrl } from '../../../src/adapters/opensearch/offsets.js';
import { compiledSearch } from './contract.js';
import { fixture } from '../../fixtures/http/http-script.js';

const err = (code: string, message = `failure ${code}`) => Object.assign(new Error(message), { code });

describe('search-family HTTP: transport classes, pointers, paths', () => {
  it('classifies transport failures by code: timeouts, malformed answers, everything else as connect', () => {
    assert.equal(transportFailure(err('UND_ERR_HEADERS_TIMEOUT')).errorClass, 'timeout');
    assert.equal(transportFailure(err('UND_ERR_BODY_TIMEOUT')).errorClass, 'timeout');
    assert.equal(transportFailure(err('HPE_INVALID_CONSTANT')).errorClass, 'bad_response');
    assert.equal(transportFailure(err('UND_ERR_RES_CONTENT_LENGTH_MISMATCH')).errorClass, 'bad_response');
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
      'DEPTH_ZERO_SELF_SIGNED_CERT']) {
      assert.equal(transportFailure(err(code)).errorClass, 'connect', code);
    }
    assert.equal(transportFailure(Object.assign(new TypeError('fetch failed'), { cause: err('ECONNREFUSED') })).errorClass, 'connect');
    assert.equal(transportFailure(err('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:9200')).message, 'connect ECONNREFUSED 10.0.0.1:9200');
    assert.equal(transportFailure(err('UND_ERR_SOCKET', 'other side closed')).message, 'UND_ERR_SOCKET: other side closed');
  });

  it('an aborted signal is a timeout, unless its reason is a TargetError whose class is kept', () => {
    const ac = new AbortController();
    ac.abort();
    assert.equal(transportFailure(err('UND_ERR_ABORTED'), ac.signal).errorClass, 'timeout');
    const stop = new AbortController();
    stop.abort(new TargetError('aborted', 'run aborted'));
    assert.deepEqual(transportFailure(err('UND_ERR_ABORTED'), stop.signal), { errorClass: 'aborted', message: 'run aborted' });
  });

  it('reads the last integer of a batch_start_pointer in both printed forms', () => {
    assert.equal(lastInteger('KafkaOffset{offset=2}'), 2);
    assert.equal(lastInteger('1507'), 1507);
    assert.equal(lastInteger(96), 96);
    assert.equal(lastInteger('KafkaOffset{topic=a1, partition=3, offset=42}'), 42);
    assert.equal(lastInteger(''), null);
    assert.equal(lastInteger(null), null);
    assert.equal(lastInteger('none'), null);
  });

  it('builds paths: index lists and patterns stay readable, other characters are escaped', () => {
    assert.equal(indexSegment('ib-app-logs,ib-api-*'), 'ib-app-logs,ib-api-*');
    assert.equal(indexSegment('a b/c'), 'a%20b%2Fc');
    assert.equal(stateUrl('http://os:9200', 'ix', 'a+b/c='), 'http://os:9200/ix/ingestion/_state?size=100&next_token=a%2Bb%2Fc%3D');
  });

  describe('through its own keep-alive Agent (no injected dispatcher)', () => {
    let server: Server;
    let url: string;
    const seen: { method?: string; url?: string; body: string; auth?: string }[] = [];
    before(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
        req.on('end', () => {
          seen.push({ method: req.method, url: req.url, body, auth: req.headers.authorization });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(fixture('opensearch/search.json'));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('sends real requests with keep-alive and the auth header', async () => {
      const adapter = createOpenSearchAdapter({ url, username: 'u', password_env: 'P', ingest: { consumer_group: 'g' } },
        { maxInFlight: 4, secrets: { env: { P: 'p' }, readFile: () => '' } });
      try {
        const r = await adapter.execute(compiledSearch(), { svc: 'x' }, url, new AbortController().signal);
        assert.deepEqual(r, { ok: true, hits: 1234 });
        assert.equal(seen[0]!.method, 'POST');
        assert.equal(seen[0]!.url, '/ib-app-logs/_search');
        assert.equal(seen[0]!.auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
        assert.equal(JSON.parse(seen[0]!.body).query.bool.filter[1].term.service, 'x');
      } finally {
        await adapter.close();
      }
    });

    it('classifies a refused connection as connect', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const adapter = createOpenSearchAdapter({ url: dead, ingest: { consumer_group: 'g' } }, { secrets: { env: {}, readFile: () => '' } });
      try {
        const r = await adapter.execute(compiledSearch(), { svc: 'x' }, dead, new AbortController().signal);
        assert.equal(r.errorClass, 'connect');
        assert.match(r.error ?? '', /ECONNREFUSED/);
      } finally {
        await adapter.close();
      }
    });
  });
});
