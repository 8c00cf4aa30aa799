// runObjects / cleanupJob: the Kubernetes objects of a run built from its plan — counts, Indexed Jobs, commands,
// secrets as env, owner references, labels, the plan mount, the hardened security context, the plan size limit.

import assert from 'node:assert/strict';
import type { V1Container, V1Job } from '@kubernetes/client-node';
import { cleanupJob, COORDINATOR_RESULTS_DIR, runObjects, type RunObjectOptions } from '../../../src/control/k8s/run-objects.js';
import { PLAN_HASH_ANNOTATION } from '../../../src/control/k8s/child-meta.js';
import {
  COMPONENT_LABEL, GROUP_LABEL, MANAGED_BY_LABEL, NAME_LABEL, PLAN_MOUNT_DIR, PLAN_PATH, RUN_KIND, RUN_LABEL,
  type IncidentBenchRun,
} from '../../../src/control/k8s/run-resource.js';
import { planHash } from '../../../src/scenario/plan.js';
import type { RunPlan } from '../../../src/scenario/plan-types.js';
import { shippedPlan } from './k8s-test-plans.js';

const O: RunObjectOptions = { namespace: 'bench', image: 'registry.example/incidentbench:9.9.9' };

function container(job: V1Job): V1Container {
  const cs = job.spec?.template.spec?.containers ?? [];
  assert.equal(cs.length, 1, `${job.metadata?.name} has one container`);
  return cs[0]!;
}

function allJobs(plan: RunPlan, o: RunObjectOptions = O): V1Job[] {
  const r = runObjects(plan, o);
  return [r.coordinatorJob, ...(r.ingestJob ? [r.ingestJob] : []), ...r.queryJobs, cleanupJob(plan, o)];
}

function envFromSecrets(job: V1Job): string[] {
  return (container(job).envFrom ?? []).map((e) => e.secretRef?.name ?? '?');
}

function env(job: V1Job): Record<string, string> {
  return Object.fromEntries((container(job).env ?? []).map((e) => [e.name, e.value ?? '']));
}

const OWNER: IncidentBenchRun = {
  apiVersion: 'incidentbench.io/v1alpha1', kind: 'IncidentBenchRun',
  metadata: { name: 'smoke', namespace: 'bench', uid: '6f1c1c7e-1111-4222-8333-444455556666' },
  spec: { kafka: { bootstrapServers: 'kafka:9092' } },
};

describe('runObjects', () => {
  const plan = shippedPlan('smoke', { groups: true, ingestWorkers: 3, threads: 4, queryWorkers: 2 });

  it('names the children after the run and makes one query Job per query group', () => {
    const r = runObjects(plan, O);
    assert.equal(r.planConfigMap.metadata?.name, 'smoke-plan');
    assert.equal(r.coordinatorJob.metadata?.name, 'smoke-coordinator');
    assert.equal(r.ingestJob?.metadata?.name, 'smoke-ingest');
    assert.deepEqual(r.queryJobs.map((j) => j.metadata?.name), ['smoke-query-oncall', 'smoke-query-dashboards']);
    assert.equal(cleanupJob(plan, O).metadata?.name, 'smoke-cleanup');
    for (const j of allJobs(plan)) assert.equal(j.metadata?.namespace, 'bench');
  });

  it('runs workers as Indexed Jobs with completions = parallelism = the plan\'s worker count', () => {
    const r = runObjects(plan, O);
    assert.equal(r.ingestJob?.spec?.completionMode, 'Indexed');
    assert.equal(r.ingestJob?.spec?.completions, 3);
    assert.equal(r.ingestJob?.spec?.parallelism, 3);
    for (const q of r.queryJobs) {
      assert.equal(q.spec?.completionMode, 'Indexed');
      assert.equal(q.spec?.completions, 2);
      assert.equal(q.spec?.parallelism, 2);
    }
    assert.equal(r.coordinatorJob.spec?.completionMode, undefined);
    assert.equal(r.coordinatorJob.spec?.completions, 1);
  });

  it('makes no ingest Job for a run without ingest workers', () => {
    const queryOnly: RunPlan = { ...plan, workers: { ...plan.workers, ingest: { count: 0, threads: 4 } } };
    const r = runObjects(queryOnly, O);
    assert.equal(r.ingestJob, null);
    assert.equal(r.queryJobs.length, 2);
  });

  it('gives each role its command after the incidentbench entrypoint', () => {
    const r = runObjects(plan, O);
    assert.deepEqual(container(r.coordinatorJob).args, ['coordinator', '--plan', PLAN_PATH, '--out', COORDINATOR_RESULTS_DIR]);
    assert.deepEqual(container(r.ingestJob!).args, ['worker', '--role', 'ingest', '--plan', PLAN_PATH]);
    assert.deepEqual(container(r.queryJobs[1]!).args, ['worker', '--role', 'query', '--group', 'dashboards', '--plan', PLAN_PATH]);
    assert.deepEqual(container(cleanupJob(plan, O)).args, ['cleanup', '--plan', PLAN_PATH]);
    for (const j of allJobs(plan)) {
      assert.equal(container(j).image, O.image);
      assert.equal(container(j).command, undefined, 'the image entrypoint runs');
    }
  });

  it('stores the pretty plan JSON in the ConfigMap and mounts it read-only in every pod', () => {
    const r = runObjects(plan, O);
    assert.equal(r.planConfigMap.data?.['plan.json'], JSON.stringify(plan, null, 2));
    assert.deepEqual(JSON.parse(r.planConfigMap.data!['plan.json']!), plan);
    for (const j of allJobs(plan)) {
      const mount = container(j).volumeMounts?.find((m) => m.mountPath === PLAN_MOUNT_DIR);
      assert.ok(mount, `${j.metadata?.name} mounts the plan`);
      assert.equal(mount.readOnly, true);
      const volume = j.spec?.template.spec?.volumes?.find((v) => v.name === mount.name);
      assert.equal(volume?.configMap?.name, 'smoke-plan');
    }
  });

  it('requests a core per lane thread for ingest pods, one for query pods, 1 core / 1Gi for the coordinator', () => {
    const r = runObjects(plan, O);
    assert.deepEqual(container(r.ingestJob!).resources?.requests, { cpu: '4' });
    assert.deepEqual(container(r.queryJobs[0]!).resources?.requests, { cpu: '1' });
    assert.deepEqual(container(r.coordinatorJob).resources?.requests, { cpu: '1', memory: '1Gi' });
  });

  it('lets the resources option replace a role\'s defaults', () => {
    const r = runObjects(plan, { ...O, resources: { ingest: { requests: { cpu: '500m' }, limits: { memory: '2Gi' } } } });
    assert.deepEqual(container(r.ingestJob!).resources, { requests: { cpu: '500m' }, limits: { memory: '2Gi' } });
    assert.deepEqual(container(r.queryJobs[0]!).resources?.requests, { cpu: '1' });
  });

  it('passes target credentials to coordinator, query and cleanup pods only, Kafka SASL to every pod', () => {
    const o = { ...O, credentialsSecret: 'target-creds', kafkaSaslSecret: 'kafka-sasl' };
    const r = runObjects(plan, o);
    assert.deepEqual(envFromSecrets(r.coordinatorJob), ['target-creds', 'kafka-sasl']);
    assert.deepEqual(envFromSecrets(r.queryJobs[0]!), ['target-creds', 'kafka-sasl']);
    assert.deepEqual(envFromSecrets(cleanupJob(plan, o)), ['target-creds', 'kafka-sasl']);
    assert.deepEqual(envFromSecrets(r.ingestJob!), ['kafka-sasl']);
    assert.deepEqual(envFromSecrets(runObjects(plan, O).coordinatorJob), []);
  });

  it('turns Kafka TLS into IB_KAFKA_* variables and a read-only CA mount', () => {
    const o: RunObjectOptions = { ...O, kafkaTls: { enabled: true, caSecretRef: { name: 'kafka-ca' }, insecureSkipVerify: true } };
    for (const j of allJobs(plan, o)) {
      const e = env(j);
      assert.equal(e['IB_KAFKA_TLS'], 'true');
      assert.equal(e['IB_KAFKA_CA_FILE'], '/etc/incidentbench/kafka-tls/ca.crt');
      assert.equal(e['IB_KAFKA_TLS_REJECT_UNAUTHORIZED'], 'false');
      assert.equal(e['IB_KAFKA_CERT_FILE'], undefined);
      const mount = container(j).volumeMounts?.find((m) => m.mountPath === '/etc/incidentbench/kafka-tls');
      assert.equal(mount?.readOnly, true);
      assert.equal(j.spec?.template.spec?.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName, 'kafka-ca');
    }
    const mutual = env(runObjects(plan, { ...o, kafkaTlsClientCert: true }).ingestJob!);
    assert.equal(mutual['IB_KAFKA_CERT_FILE'], '/etc/incidentbench/kafka-tls/tls.crt');
    assert.equal(mutual['IB_KAFKA_KEY_FILE'], '/etc/incidentbench/kafka-tls/tls.key');
    const plain = env(runObjects(plan, O).ingestJob!);
    assert.deepEqual(plain, { IB_RUN: 'smoke' }, 'IB_RUN only: no Kafka settings, no NODE_OPTIONS');
  });

  it('labels every object and pod with the app, component and run, query Jobs with their group', () => {
    const r = runObjects(plan, O);
    for (const j of allJobs(plan)) {
      const component = container(j).name;
      for (const labels of [j.metadata?.labels, j.spec?.template.metadata?.labels]) {
        assert.equal(labels?.[NAME_LABEL], 'incidentbench');
        assert.equal(labels?.[RUN_LABEL], 'smoke');
        assert.equal(labels?.[COMPONENT_LABEL], component);
        assert.equal(labels?.[MANAGED_BY_LABEL], undefined, 'not made by the operator');
      }
    }
    assert.equal(r.queryJobs[0]!.metadata?.labels?.[GROUP_LABEL], 'oncall');
    assert.equal(r.queryJobs[0]!.spec?.template.metadata?.labels?.[GROUP_LABEL], 'oncall');
    assert.equal(r.planConfigMap.metadata?.labels?.[RUN_LABEL], 'smoke');
  });

  it('annotates every object with the plan hash', () => {
    const r = runObjects(plan, O);
    const hash = planHash(plan);
    for (const obj of [r.planConfigMap, ...allJobs(plan)]) assert.equal(obj.metadata?.annotations?.[PLAN_HASH_ANNOTATION], hash);
  });

  it('with an owner, sets a controller ownerReference and the managed-by label on every object', () => {
    const o = { ...O, owner: OWNER };
    const r = runObjects(plan, o);
    for (const obj of [r.planConfigMap, ...allJobs(plan, o)]) {
      assert.deepEqual(obj.metadata?.ownerReferences, [{ apiVersion: 'incidentbench.io/v1alpha1', kind: RUN_KIND, name: 'smoke',
        uid: OWNER.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(obj.metadata?.labels?.[MANAGED_BY_LABEL], 'incidentbench-operator');
    }
    assert.throws(() => runObjects(plan, { ...O, owner: { ...OWNER, metadata: { name: 'smoke' } } }), /uid/);
  });

  it('runs every pod hardened: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    for (const j of allJobs(plan)) {
      const pod = j.spec?.template.spec;
      assert.equal(j.spec?.backoffLimit, 0);
      assert.equal(j.spec?.ttlSecondsAfterFinished, undefined, 'pods are kept for debugging');
      assert.equal(pod?.restartPolicy, 'Never');
      assert.deepEqual(pod?.securityContext,
        { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      const c = container(j);
      assert.equal(c.terminationMessagePolicy, 'FallbackToLogsOnError');
      assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
      assert.deepEqual(c.securityContext?.capabilities, { drop: ['ALL'] });
      assert.equal(c.securityContext?.seccompProfile?.type, 'RuntimeDefault');
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      assert.ok(pod?.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${j.metadata?.name} has a writable /tmp`);
    }
    const coord = runObjects(plan, O).coordinatorJob;
    const results = container(coord).volumeMounts?.find((m) => m.mountPath === COORDINATOR_RESULTS_DIR);
    assert.ok(coord.spec?.template.spec?.volumes?.find((v) => v.name === results?.name)?.emptyDir, 'results dir is an emptyDir');
  });

  it('refuses a plan too large for a ConfigMap with one line naming its size', () => {
    const big = shippedPlan('smoke', { ingestWorkers: 800, threads: 16 });
    assert.throws(() => runObjects(big, O), (err: Error) => {
      assert.match(err.message, /^the plan of run "smoke" is \d+\.\d\d MiB \(\d+ bytes\) of JSON, which does not fit a Kubernetes ConfigMap/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  });

  it('refuses a query group whose Job name would not be a DNS-1123 label', () => {
    const bad: RunPlan = { ...plan, workers: { ...plan.workers, query: [{ group: 'On_Call', count: 1, endpoint: '' }] } };
    assert.throws(() => runObjects(bad, O), /query group "On_Call".*"smoke-query-On_Call".*DNS-1123/);
  });
});
