// The Kubernetes manifests and the Dockerfile without a cluster or Docker: every object in manifests/{run,rbac,
// operator} and every object runObjects / cleanupJob / render make validates against the Kubernetes OpenAPI schemas
// (kubernetes-models), kustomizations name files that exist, the checked-in run base equals a fresh render, the
// operator's probes and RBAC are as documented, and the Dockerfile follows its rules. Must not touch a cluster.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { cleanupJob, runObjects } from '../../../src/control/k8s/run-objects.js';
import { renderRun, type RenderFlags } from '../../../src/cli/commands/render.js';
import { VERSION } from '../../../src/core/version.js';
import { REPO, SHIPPED_SCENARIOS, shippedPlan } from '../k8s/k8s-test-plans.js';

type Obj = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata?: { name?: string } };

const MODELS: Record<string, (o: Obj) => { validate(): void }> = {
  'v1/ConfigMap': (o) => new ConfigMap(o as never),
  'v1/Namespace': (o) => new Namespace(o as never),
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never),
  'batch/v1/Job': (o) => new Job(o as never),
  'apps/v1/Deployment': (o) => new Deployment(o as never),
  'rbac.authorization.k8s.io/v1/ClusterRole': (o) => new ClusterRole(o as never),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (o) => new ClusterRoleBinding(o as never),
};

function validate(o: Obj, where: string): void {
  const key = `${o.apiVersion}/${o.kind}`;
  const model = MODELS[key];
  assert.ok(model, `${where}: no model for ${key}`);
  // JSON round trip: what kubectl would send (drops undefined).
  const plain = JSON.parse(JSON.stringify(o)) as Obj;
  assert.doesNotThrow(() => model(plain).validate(), `${where}: ${key} ${o.metadata?.name} is valid`);
}

function yamlDocs(path: string): Obj[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => {
    assert.equal(d.errors.length, 0, `${path}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Obj;
  }).filter((d) => d !== null);
}

interface Kustomization { resources?: string[]; namespace?: string; labels?: unknown[] }

function kustomization(dir: string): Kustomization {
  return parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
}

/** Every object the kustomization in `dir` lists directly (files, not directories). */
function objectsOf(dir: string): Obj[] {
  return (kustomization(dir).resources ?? [])
    .filter((r) => !statSync(join(dir, r)).isDirectory())
    .flatMap((r) => yamlDocs(join(dir, r)));
}

const MANIFESTS = join(REPO, 'manifests');
const DIRS = ['run', 'rbac', 'operator'];

describe('manifests/{run,rbac,operator}', () => {
  for (const d of DIRS) {
    it(`${d}: the kustomization names files and kustomize directories that exist`, () => {
      const dir = join(MANIFESTS, d);
      const resources = kustomization(dir).resources ?? [];
      assert.ok(resources.length > 0);
      for (const r of resources) {
        const path = join(dir, r);
        assert.ok(existsSync(path), `${d}/kustomization.yaml names ${r}, which does not exist`);
        if (statSync(path).isDirectory()) assert.ok(existsSync(join(path, 'kustomization.yaml')), `${r} has a kustomization.yaml`);
      }
    });

    it(`${d}: every object validates against the Kubernetes schema, and every manifest file is listed`, () => {
      const dir = join(MANIFESTS, d);
      const objects = objectsOf(dir);
      assert.ok(objects.length > 0);
      for (const o of objects) validate(o, `manifests/${d}`);
      const listed = new Set(kustomization(dir).resources);
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
        if (d === 'run' && f === 'target-clickhouse.yaml') continue; // only read by render
        assert.ok(listed.has(f), `manifests/${d}/${f} is not in the kustomization`);
      }
    });
  }

  it('operator: installs the CRD, the RBAC and the Deployment in one kustomization', () => {
    const resources = kustomization(join(MANIFESTS, 'operator')).resources ?? [];
    for (const r of ['../crd', '../rbac', 'deployment.yaml', 'namespace.yaml']) assert.ok(resources.includes(r), `includes ${r}`);
  });

  it('operator: one replica, Recreate, this version\'s image, probes on the health port the command serves', () => {
    const dep = objectsOf(join(MANIFESTS, 'operator')).find((o) => o.kind === 'Deployment') as unknown as Deployment;
    assert.ok(dep);
    assert.equal(dep.metadata?.namespace, 'incidentbench-system');
    assert.equal(dep.spec?.replicas, 1);
    assert.equal(dep.spec?.strategy?.type, 'Recreate');
    const pod = dep.spec!.template.spec!;
    assert.equal(pod.serviceAccountName, 'incidentbench-operator');
    const c = pod.containers[0]!;
    assert.equal(c.image, `incidentbench:${VERSION}`);
    assert.equal(c.args?.[0], 'operator');
    const hp = c.args?.indexOf('--health-port') ?? -1;
    assert.ok(hp > 0, 'args pass --health-port');
    const port = c.ports?.find((p) => p.name === 'health');
    assert.equal(String(port?.containerPort), c.args?.[hp + 1]);
    for (const [probe, path] of [[c.livenessProbe, '/healthz'], [c.readinessProbe, '/readyz']] as const) {
      assert.equal(probe?.httpGet?.path, path);
      assert.ok(probe?.httpGet?.port === 'health' || probe?.httpGet?.port === port?.containerPort, `${path} probes the health port`);
    }
    assert.deepEqual(c.env?.find((e) => e.name === 'WATCH_NAMESPACE'), { name: 'WATCH_NAMESPACE', value: '' });
    assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL']);
    assert.equal(c.securityContext?.seccompProfile?.type, 'RuntimeDefault');
  });

  it('rbac: the operator ClusterRole reads Secrets by name only and uses no wildcards', () => {
    const objects = objectsOf(join(MANIFESTS, 'rbac'));
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata?.name === 'incidentbench-operator') as unknown as ClusterRole;
    assert.ok(role);
    const rules = role.rules ?? [];
    for (const r of rules) {
      for (const list of [r.verbs, r.resources ?? [], r.apiGroups ?? []]) assert.ok(!list.includes('*'), `no wildcard in ${JSON.stringify(r)}`);
    }
    const secretVerbs = rules.filter((r) => r.resources?.includes('secrets')).flatMap((r) => r.verbs);
    assert.deepEqual(secretVerbs, ['get']);
    const verbs = (resource: string) => rules.filter((r) => r.resources?.includes(resource)).flatMap((r) => r.verbs).sort();
    assert.deepEqual(verbs('incidentbenchruns'), ['get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(verbs('incidentbenchruns/status'), ['get', 'patch', 'update']);
    assert.deepEqual(verbs('incidentbenchruns/finalizers'), ['update']);
    assert.deepEqual(verbs('jobs'), ['create', 'delete', 'get', 'list', 'watch']);
    assert.deepEqual(verbs('configmaps'), ['create', 'delete', 'get', 'list', 'update', 'watch']);
    assert.deepEqual(verbs('pods'), ['get', 'list', 'watch']);
    assert.deepEqual(verbs('events'), ['create', 'patch']);
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding') as unknown as ClusterRoleBinding;
    const sa = objects.find((o) => o.kind === 'ServiceAccount') as unknown as ServiceAccount;
    assert.equal(binding.roleRef.name, 'incidentbench-operator');
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa.metadata?.name, namespace: sa.metadata?.namespace }]);
    const user = objects.find((o) => o.kind === 'ClusterRole' && o.metadata?.name === 'incidentbench-user') as unknown as ClusterRole;
    assert.ok(user);
    assert.ok(!(user.rules ?? []).some((r) => r.resources?.includes('secrets')), 'users get no Secrets');
  });
});

describe('manifests/run is the render of the smoke scenario', () => {
  const cwd = process.cwd();
  before(() => process.chdir(REPO));
  after(() => process.chdir(cwd));

  it('equals a fresh `render --out-dir manifests/run` (same run id)', () => {
    const dir = join(MANIFESTS, 'run');
    const configMap = yamlDocs(join(dir, 'plan-configmap.yaml'))[0] as { data: Record<string, string> };
    const plan = JSON.parse(configMap.data['plan.json']!) as { run: { id: string } };
    const flags: RenderFlags = {
      runName: 'smoke', target: 'clickhouse', targetConfig: 'manifests/run/target-clickhouse.yaml',
      kafka: 'kafka.kafka.svc:9092', credentialsSecret: 'incidentbench-target', runId: plan.run.id,
    };
    const fresh = renderRun('scenarios/smoke.yaml', flags).base('manifests/run');
    assert.deepEqual([...fresh.keys()].sort(), kustomization(dir).resources!.concat('kustomization.yaml').sort());
    for (const [name, text] of fresh) {
      assert.equal(readFileSync(join(dir, name), 'utf8'), text,
        `manifests/run/${name} is stale: regenerate with the command in manifests/run/README.md (--run-id ${plan.run.id})`);
    }
  });
});

describe('generated run objects validate against the Kubernetes schema', () => {
  for (const name of SHIPPED_SCENARIOS) {
    for (const groups of [false, true]) {
      it(`${name}, ${groups ? 'several query groups' : 'one query group'}: runObjects, cleanupJob and render`, () => {
        const plan = shippedPlan(name, { groups });
        const o = { namespace: 'bench', image: 'incidentbench:test', credentialsSecret: 'creds', kafkaSaslSecret: 'sasl',
          kafkaTls: { enabled: true, caSecretRef: { name: 'ca' } }, kafkaTlsClientCert: true,
          owner: { apiVersion: 'incidentbench.io/v1alpha1' as const, kind: 'IncidentBenchRun' as const,
            metadata: { name, uid: 'u-1' }, spec: { kafka: { bootstrapServers: 'kafka:9092' } } } };
        const r = runObjects(plan, o);
        assert.equal(r.queryJobs.length, groups ? 2 : 1);
        for (const obj of [r.planConfigMap, r.coordinatorJob, r.ingestJob!, ...r.queryJobs, cleanupJob(plan, o)]) {
          validate(obj as unknown as Obj, 'runObjects');
        }
      });
    }
    it(`${name}: every document render prints validates`, () => {
      const rendered = renderRun(join(REPO, 'scenarios', `${name}.yaml`), { kafka: 'kafka:9092', namespace: 'bench' });
      const docs = parseAllDocuments(rendered.stream).map((d) => d.toJS() as Obj).filter((d) => d !== null);
      assert.deepEqual(docs.map((d) => d.kind), ['ConfigMap', 'Job', 'Job', 'Job']);
      for (const d of docs) validate(d, 'render');
    });
  }
});

describe('Dockerfile (read, not built: no Docker here)', () => {
  const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const runtime = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));

  it('builds on node:20-slim in every stage', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    assert.ok(froms.length >= 2, 'multi-stage');
    for (const f of froms) assert.match(f, /^FROM node:20-slim(\s+AS\s+\S+)?$/i);
  });

  it('installs production dependencies only in the runtime stage and copies the build from the build stage', () => {
    const installs = runtime.filter((l) => /\bnpm (ci|install|i)\b/.test(l));
    assert.ok(installs.length > 0);
    for (const l of installs) assert.match(l, /npm ci --omit=dev/);
    assert.ok(runtime.some((l) => /^COPY --from=\S+ \S*dist\/src /.test(l)), 'copies dist/src from the build stage');
    assert.ok(!runtime.some((l) => /^COPY (\.|src|test) /.test(l)), 'no sources or tests in the runtime stage');
  });

  it('runs as the non-root user 1000 in /app with the CLI as entrypoint', () => {
    const users = runtime.filter((l) => l.startsWith('USER '));
    assert.deepEqual(users, ['USER 1000']);
    assert.ok(runtime.indexOf('USER 1000') > runtime.findLastIndex((l) => l.startsWith('RUN ')), 'USER after the last RUN');
    assert.ok(runtime.includes('WORKDIR /app'));
    assert.ok(runtime.includes('ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]'));
    assert.ok(runtime.includes('CMD ["--help"]'));
    assert.match(text, /org\.opencontainers\.image\.title=/);
    assert.match(text, /org\.opencontainers\.image\.source=/);
  });

  it('.dockerignore keeps dependencies, build output, test output and git out of the context', () => {
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const p of ['node_modules', 'dist', 'results', '.git']) assert.ok(ignored.includes(p), `.dockerignore lists ${p}`);
  });
});
