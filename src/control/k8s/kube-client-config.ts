// Finds and loads the kubeconfig for the KubeClient (--kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster) and
// picks context and namespace. Must not talk to the cluster; a missing configuration is a one-line UsageError.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../scenario/suggest.js';

export interface KubeconfigChoice {
  /** A kubeconfig file (else KUBECONFIG, ~/.kube/config, then the in-cluster service account). */
  kubeconfig?: string;
  /** A context of that kubeconfig (else its current context). */
  context?: string;
  /** The namespace (else the context's, else the in-cluster one, else "default"). */
  namespace?: string;
}

export interface LoadedKubeconfig {
  kubeConfig: KubeConfig;
  namespace: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

function loadFile(kc: KubeConfig, path: string, how: string): void {
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw new UsageError(`cannot read kubeconfig "${path}" (${how}): ${oneLine(err)}`);
  }
}

/** Loads the kubeconfig the way kubectl would find it; throws UsageError when there is none. */
export function loadKubeconfig(choice: KubeconfigChoice, env: NodeJS.ProcessEnv = process.env): LoadedKubeconfig {
  const kc = new KubeConfig();
  const defaultFile = join(env.HOME || homedir(), '.kube', 'config');
  let inCluster = false;
  if (choice.kubeconfig !== undefined) {
    if (!existsSync(choice.kubeconfig)) {
      throw new UsageError(`kubeconfig file "${choice.kubeconfig}" does not exist: pass an existing file to --kubeconfig`);
    }
    loadFile(kc, choice.kubeconfig, '--kubeconfig');
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter((f) => f !== '');
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length === files.length) {
      throw new UsageError(`no Kubernetes cluster configured: KUBECONFIG names ${files.map((f) => `"${f}"`).join(', ')}, which do not exist; set KUBECONFIG or pass --kubeconfig`);
    }
    try {
      files.filter((f) => existsSync(f)).forEach((f, i) => {
        if (i === 0) kc.loadFromFile(f);
        else {
          const more = new KubeConfig();
          more.loadFromFile(f);
          kc.mergeConfig(more);
        }
      });
    } catch (err) {
      throw new UsageError(`cannot read the kubeconfig named by KUBECONFIG: ${oneLine(err)}`);
    }
  } else if (existsSync(defaultFile)) {
    loadFile(kc, defaultFile, 'default location');
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(join(SERVICE_ACCOUNT_DIR, 'token'))) {
    kc.loadFromCluster();
    inCluster = true;
  } else {
    throw new UsageError(`no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig; looked in KUBECONFIG (unset), ${defaultFile} (missing) and the in-cluster service account (none)`);
  }
  if (choice.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(choice.context)) {
      throw new UsageError(`context "${choice.context}" is not in the kubeconfig; expected one of ${names.map((n) => `"${n}"`).join(', ') || '(none)'}${didYouMean(choice.context, names)}`);
    }
    kc.setCurrentContext(choice.context);
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  if (!context || !kc.getCurrentCluster()) {
    throw new UsageError(`the kubeconfig has no usable current context (current-context "${kc.getCurrentContext()}"); pass --context with one of its contexts`);
  }
  let namespace = choice.namespace ?? context.namespace;
  if (namespace === undefined && inCluster) {
    try {
      namespace = readFileSync(join(SERVICE_ACCOUNT_DIR, 'namespace'), 'utf8').trim() || undefined;
    } catch {
      namespace = undefined;
    }
  }
  return { kubeConfig: kc, namespace: namespace ?? 'default' };
}
