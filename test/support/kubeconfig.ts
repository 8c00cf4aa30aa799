// Writes a temporary kubeconfig that points @kubernetes/client-node at a test server (plain http, optional token)
// and loads it. Must not be used outside tests, nor touch the user's own kubeconfig.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface TestKubeconfig {
  /** Path of the kubeconfig file. */
  path: string;
  /** The same file loaded. */
  kubeConfig: KubeConfig;
  /** Removes the file and its directory. */
  remove(): void;
}

export interface KubeconfigOptions {
  /** Namespace of the context (omitted from the file when undefined). */
  namespace?: string;
  token?: string;
  /** Context name (default "fake"). */
  context?: string;
  /** Also add a second context (e.g. to test `--context`). */
  extraContexts?: { name: string; namespace?: string }[];
}

/** The kubeconfig YAML/JSON text for `server` (client-node needs insecure-skip-tls-verify for plain http). */
export function kubeconfigText(server: string, o: KubeconfigOptions = {}): string {
  const context = o.context ?? 'fake';
  const contexts = [{ name: context, namespace: o.namespace }, ...(o.extraContexts ?? [])];
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake-cluster', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake-user', user: o.token !== undefined ? { token: o.token } : {} }],
    contexts: contexts.map((c) => ({
      name: c.name,
      context: { cluster: 'fake-cluster', user: 'fake-user', ...(c.namespace !== undefined ? { namespace: c.namespace } : {}) },
    })),
    'current-context': context,
  }, null, 2);
}

export function writeKubeconfig(server: string, o: KubeconfigOptions = {}): TestKubeconfig {
  const dir = mkdtempSync(join(tmpdir(), 'ib-kubeconfig-'));
  const path = join(dir, 'config');
  writeFileSync(path, kubeconfigText(server, o));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return { path, kubeConfig, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
