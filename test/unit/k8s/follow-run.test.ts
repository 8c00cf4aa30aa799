import assert from 'node:assert/strict';
import { ManualTimers } from '../../../src/core/timers.js';
import { followRun, type FollowEnd } from '../../../src/control/k8s/follow-run.js';
import type { KubeApi } from '../../../src/control/k8s/kube-api.js';
import type { IncidentBenchRun, RunPhase } from '../../../src/control/k8s/run-resource.js';

const settle = () => new Promise<void>((r) => setImmediate(r));

function runAt(version: number, phase: RunPhase): IncidentBenchRun {
  return { apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun',
    metadata: { name: 'r1', namespace: 'ns', resourceVersion: String(version) }, spec: { kafka: { bootstrapServers: 'k:9092' } },
    status: { phase } };
}

/** A KubeApi whose getRun answers from a script; nothing else is called. */
function scriptedApi(answers: (IncidentBenchRun | null | Error)[]): { api: KubeApi; calls: () => number } {
  let i = 0;
  const api = {
    defaultNamespace: 'ns',
    getRun: async () => {
      const a = answers[Math.min(i, answers.length - 1)];
      i++;
      if (a instanceof Error) throw a;
      return a ?? null;
    },
  } as unknown as KubeApi;
  return { api, calls: () => i };
}

describe('followRun: following a cluster run to its end (run --k8s)', () => {
  it('reports each new version once, polls on the interval, and ends on Completed', async () => {
    const timers = new ManualTimers(0);
    const { api, calls } = scriptedApi([runAt(1, 'Pending'), runAt(1, 'Pending'), runAt(2, 'Running'), runAt(3, 'Completed')]);
    const seen: string[] = [];
    let end: FollowEnd | undefined;
    void followRun({ api, namespace: 'ns', name: 'r1', timers, intervalMs: 2000, onChange: (r) => seen.push(r.status!.phase!) })
      .then((e) => { end = e; });
    await settle();
    assert.equal(calls(), 1);
    timers.advance(1999);
    await settle();
    assert.equal(calls(), 1, 'no poll before the interval');
    for (let k = 0; k < 3; k++) {
      timers.advance(2000);
      await settle();
    }
    assert.deepEqual(seen, ['Pending', 'Running', 'Completed']);
    assert.equal(end?.kind, 'ended');
    timers.advance(10_000);
    await settle();
    assert.equal(calls(), 4, 'no poll after the end');
  });

  it('ends with "gone" when the run is deleted, and with "stopped" on the signal', async () => {
    const timers = new ManualTimers(0);
    const gone = await followRun({ api: scriptedApi([null]).api, namespace: 'ns', name: 'r1', timers, onChange: () => undefined });
    assert.deepEqual(gone, { kind: 'gone' });
    const ac = new AbortController();
    const p = followRun({ api: scriptedApi([runAt(1, 'Running')]).api, namespace: 'ns', name: 'r1', timers, signal: ac.signal,
      onChange: () => undefined });
    await settle();
    ac.abort();
    const stopped = await p;
    assert.equal(stopped.kind, 'stopped');
    assert.equal(stopped.kind === 'stopped' && stopped.run?.status?.phase, 'Running');
  });

  it('passes an API error on instead of polling forever', async () => {
    const timers = new ManualTimers(0);
    await assert.rejects(followRun({ api: scriptedApi([new Error('403 forbidden')]).api, namespace: 'ns', name: 'r1', timers,
      onChange: () => undefined }), /403 forbidden/);
  });
});
