// The pure text of the cluster commands: ages, worker ids and order, line prefixes of streamed logs, the report
// fetch command. Must not talk to a cluster.

import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { formatAge, LinePrefixer, reportFetchCommand, sortByWorker, workerId } from '../../../src/cli/cluster-view.js';

function pod(name: string, component: string, index?: number, group?: string): V1Pod {
  const labels: Record<string, string> = { 'app.kubernetes.io/component': component };
  if (group) labels['incidentbench.io/query-group'] = group;
  return {
    metadata: {
      name, labels,
      annotations: index === undefined ? {} : { 'batch.kubernetes.io/job-completion-index': String(index) },
    },
  };
}

describe('cluster command text', () => {
  it('writes ages the way kubectl does', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    assert.equal(formatAge('2026-01-01T23:59:15Z', now), '45s');
    assert.equal(formatAge('2026-01-01T23:48:00Z', now), '12m');
    assert.equal(formatAge('2026-01-01T19:00:00Z', now), '5h');
    assert.equal(formatAge('2025-12-29T00:00:00Z', now), '4d');
    assert.equal(formatAge(undefined, now), '<unknown>');
  });

  it('names workers from component, query group and completion index (annotation), and orders them', () => {
    const pods = [pod('q1', 'query', 1, 'search'), pod('i10', 'ingest', 10), pod('c', 'coordinator'), pod('i2', 'ingest', 2), pod('q0', 'query', 0, 'agg'), pod('x', 'cleanup')];
    assert.deepEqual(sortByWorker(pods).map(workerId), ['coordinator', 'ingest-2', 'ingest-10', 'query-agg-0', 'query-search-1', 'cleanup']);
    assert.equal(workerId({ metadata: { name: 'stray' } }), 'stray');
  });

  it('prefixes whole lines only, holding a partial line until it completes or is flushed', () => {
    let out = '';
    const p = new LinePrefixer('[w] ', (t) => { out += t; });
    p.write('one\ntw');
    assert.equal(out, '[w] one\n');
    p.write('o\n\nthr');
    assert.equal(out, '[w] one\n[w] two\n[w] \n');
    p.flush();
    assert.equal(out, '[w] one\n[w] two\n[w] \n[w] thr\n');
  });

  it('escapes the dots of the report key in the kubectl jsonpath', () => {
    assert.equal(reportFetchCommand('r1-report', 'ns'), "kubectl get configmap r1-report -n ns -o jsonpath='{.binaryData.run\\.json\\.gz}' | base64 -d | gunzip");
  });
});
