// `incidentbench render` through the built CLI, as a user runs it: multi-document YAML in apply order, the
// kustomize base with --out-dir, and one-line refusals (no --kafka, a run name too long for child pod names).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { clusterRunName } from '../../../src/cli/cluster-run-name.js';
import { runCli } from '../../support/run-cli.js';
import { REPO } from './k8s-test-plans.js';

const SMOKE = join(REPO, 'scenarios', 'smoke.yaml');

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

describe('incidentbench render (CLI)', () => {
  it('prints the plan ConfigMap, coordinator, ingest and query Jobs as YAML after a header saying how to apply and watch', () => {
    const r = runCli(['render', SMOKE, '--kafka', 'kafka.kafka.svc:9092', '--run-name', 'cli-smoke', '--namespace', 'bench',
      '--ingest-workers', '2', '--query-workers', '3']);
    assert.equal(r.code, 0, r.stderr);
    const header = r.stdout.slice(0, r.stdout.indexOf('---'));
    assert.ok(lines(header).every((l) => l.startsWith('#')), 'the header is YAML comments');
    assert.match(header, /kubectl apply/);
    assert.match(header, /incidentbench metrics cli-smoke --kafka kafka\.kafka\.svc:9092/);
    const docs = parseAllDocuments(r.stdout).map((d) => {
      assert.equal(d.errors.length, 0);
      return d.toJS() as { kind: string; metadata: { name: string; namespace: string }; spec?: { completions?: number } };
    });
    assert.deepEqual(docs.map((d) => `${d.kind} ${d.metadata.name}`),
      ['ConfigMap cli-smoke-plan', 'Job cli-smoke-coordinator', 'Job cli-smoke-ingest', 'Job cli-smoke-query-default']);
    assert.ok(docs.every((d) => d.metadata.namespace === 'bench'));
    assert.equal(docs[2]!.spec?.completions, 2);
    assert.equal(docs[3]!.spec?.completions, 3);
  });

  it('names the run after the scenario and the UTC time when --run-name is absent', () => {
    const r = runCli(['render', SMOKE, '--kafka', 'kafka:9092']);
    assert.equal(r.code, 0, r.stderr);
    const cm = parseAllDocuments(r.stdout)[0]!.toJS() as { metadata: { name: string } };
    assert.match(cm.metadata.name, /^smoke-\d{8}-\d{6}-plan$/);
  });

  it('writes a kustomize base with --out-dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ib-render-'));
    try {
      const r = runCli(['render', SMOKE, '--kafka', 'kafka:9092', '--run-name', 'base', '--namespace', 'bench', '--out-dir', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { namespace: string; resources: string[] };
      assert.equal(k.namespace, 'bench');
      assert.deepEqual(k.resources, ['plan-configmap.yaml', 'coordinator-job.yaml', 'ingest-job.yaml', 'query-default-job.yaml']);
      assert.deepEqual(readdirSync(dir).sort(), [...k.resources, 'kustomization.yaml'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without --kafka, says in one line that the pods need it and exits 1', () => {
    const r = runCli(['render', SMOKE, '--run-name', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /--kafka/);
    assert.match(r.stderr, /pods connect to Kafka/);
  });

  it('refuses a run name longer than 40 characters in one line saying why', () => {
    const name = 'a'.repeat(41);
    const r = runCli(['render', SMOKE, '--kafka', 'kafka:9092', '--run-name', name]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`"${name}" has 41 characters; a cluster run name may have at most 40 \\(its Jobs`));
  });
});

describe('clusterRunName', () => {
  const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

  it('is the scenario name, "-" and the UTC time', () => {
    assert.equal(clusterRunName('sre-outage', now), 'sre-outage-20260102-030405');
  });

  it('cuts a long scenario name so the run name has at most 40 characters and no doubled dash', () => {
    const name = clusterRunName('a-very-long-scenario-name-for-a-big-incident', now);
    assert.equal(name.length, 40);
    assert.equal(name, 'a-very-long-scenario-nam-20260102-030405');
    assert.equal(clusterRunName('abcdefghijklmnopqrstuvw-xyz', now), 'abcdefghijklmnopqrstuvw-20260102-030405');
  });
});
