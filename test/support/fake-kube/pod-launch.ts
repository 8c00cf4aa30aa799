// What the fake kubelet needs to start a pod's container as a local process: its volumes written to temp folders,
// its environment (env values, envFrom Secrets/ConfigMaps, JOB_COMPLETION_INDEX), and its args with every mount
// path rewritten to the folder standing in for it. Or why the container cannot start (what a kubelet would say).
// Must not start processes nor write to the store.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPLETION_INDEX } from './job-pods.js';
import type { KubeObject } from './types.js';

export const ENTRYPOINT = 'incidentbench';

/** Reads objects of the fake server (`secrets`, `configmaps`). */
export type ObjectLookup = (kind: 'secrets' | 'configmaps', namespace: string, name: string) => KubeObject | undefined;

export interface Launch {
  /** Words after the `incidentbench` entrypoint, mount paths rewritten. */
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Why the container cannot start yet: the pod waits with this reason (it is retried when Secrets/ConfigMaps change). */
export interface Blocked {
  reason: 'CreateContainerConfigError' | 'ContainerCreating' | 'RunContainerError';
  message: string;
}

interface KeyToPath { key: string; path: string }
interface Volume {
  name: string;
  configMap?: { name: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { secretName: string; items?: KeyToPath[]; optional?: boolean };
  emptyDir?: Record<string, unknown>;
}
interface EnvVar { name: string; value?: string; valueFrom?: unknown }
interface EnvFrom { prefix?: string; secretRef?: { name: string; optional?: boolean }; configMapRef?: { name: string; optional?: boolean } }
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFrom[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
interface PodShape { spec?: { containers?: Container[]; volumes?: Volume[] } }

/** The string values of a Secret (data base64-decoded, stringData as given) or a ConfigMap (data, binaryData). */
function valuesOf(kind: 'secrets' | 'configmaps', obj: KubeObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const o = obj as { data?: Record<string, string>; stringData?: Record<string, string>; binaryData?: Record<string, string> };
  if (kind === 'secrets') {
    for (const [k, v] of Object.entries(o.data ?? {})) out[k] = Buffer.from(v, 'base64');
    for (const [k, v] of Object.entries(o.stringData ?? {})) out[k] = Buffer.from(v, 'utf8');
  } else {
    for (const [k, v] of Object.entries(o.data ?? {})) out[k] = Buffer.from(v, 'utf8');
    for (const [k, v] of Object.entries(o.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
  }
  return out;
}

const notFound = (kind: 'secrets' | 'configmaps', name: string) => `${kind === 'secrets' ? 'secret' : 'configmap'} "${name}" not found`;

/** Writes one volume into `dir`; a Blocked when its source is missing or the kind is not simulated. */
function materialize(v: Volume, dir: string, namespace: string, lookup: ObjectLookup): Blocked | null {
  mkdirSync(dir, { recursive: true });
  if (v.emptyDir !== undefined) return null;
  const source = v.configMap
    ? { kind: 'configmaps' as const, name: v.configMap.name, items: v.configMap.items, optional: v.configMap.optional }
    : v.secret ? { kind: 'secrets' as const, name: v.secret.secretName, items: v.secret.items, optional: v.secret.optional } : null;
  if (source === null) return { reason: 'ContainerCreating', message: `fake kubelet: volume ${JSON.stringify(v.name)} is of a kind it does not simulate` };
  const obj = lookup(source.kind, namespace, source.name);
  if (obj === undefined) {
    if (source.optional === true) return null;
    return { reason: 'ContainerCreating', message: `MountVolume.SetUp failed for volume "${v.name}" : ${notFound(source.kind, source.name)}` };
  }
  const values = valuesOf(source.kind, obj);
  const files = source.items ?? Object.keys(values).map((key) => ({ key, path: key }));
  for (const f of files) {
    const value = values[f.key];
    if (value === undefined) return { reason: 'ContainerCreating', message: `MountVolume.SetUp failed for volume "${v.name}" : key ${f.key} not found` };
    const file = join(dir, f.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, value);
  }
  return null;
}

/** Replaces a leading mount path (also after `--flag=`) with the local folder of that mount; the longest mount wins. */
export function rewritePaths(value: string, mounts: ReadonlyMap<string, string>): string {
  const byLength = [...mounts.keys()].sort((a, b) => b.length - a.length);
  const eq = value.startsWith('-') ? value.indexOf('=') + 1 : 0;
  const head = value.slice(0, eq);
  const rest = value.slice(eq);
  for (const m of byLength) {
    if (rest === m || rest.startsWith(`${m.replace(/\/+$/, '')}/`)) return head + mounts.get(m)! + rest.slice(m.replace(/\/+$/, '').length);
  }
  return value;
}

export interface LaunchRequest {
  pod: KubeObject;
  /** A fresh folder of this pod (volumes and the working directory go under it). */
  podDir: string;
  lookup: ObjectLookup;
  /** Added last (the test's extra environment). */
  extraEnv?: Record<string, string>;
  /** Inherited from the "image" (e.g. PATH). */
  baseEnv?: Record<string, string>;
}

/** Prepares the first container of `pod` (the fake runs one container per pod). */
export function preparePodLaunch(r: LaunchRequest): Launch | Blocked {
  const spec = (r.pod as PodShape).spec ?? {};
  const c = spec.containers?.[0];
  const namespace = r.pod.metadata.namespace ?? 'default';
  if (c === undefined) return { reason: 'RunContainerError', message: 'fake kubelet: the pod has no container' };
  if (c.command !== undefined && c.command[0] !== ENTRYPOINT) {
    return { reason: 'RunContainerError', message: `fake kubelet: runs only the ${ENTRYPOINT} entrypoint, not ${JSON.stringify(c.command)}` };
  }
  const env: Record<string, string> = { ...(r.baseEnv ?? {}), HOSTNAME: r.pod.metadata.name ?? '' };
  for (const from of c.envFrom ?? []) {
    const ref = from.secretRef ? { kind: 'secrets' as const, ...from.secretRef } : from.configMapRef ? { kind: 'configmaps' as const, ...from.configMapRef } : null;
    if (ref === null) continue;
    const obj = r.lookup(ref.kind, namespace, ref.name);
    if (obj === undefined) {
      if (ref.optional === true) continue;
      return { reason: 'CreateContainerConfigError', message: notFound(ref.kind, ref.name) };
    }
    for (const [k, v] of Object.entries(valuesOf(ref.kind, obj))) env[`${from.prefix ?? ''}${k}`] = v.toString('utf8');
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom !== undefined) return { reason: 'CreateContainerConfigError', message: `fake kubelet: env ${e.name} uses valueFrom, which it does not simulate` };
    env[e.name] = e.value ?? '';
  }
  const index = r.pod.metadata.annotations?.[COMPLETION_INDEX];
  if (index !== undefined) env.JOB_COMPLETION_INDEX = index;

  const volumeDirs = new Map<string, string>();
  for (const v of spec.volumes ?? []) {
    const dir = join(r.podDir, 'volumes', v.name);
    const blocked = materialize(v, dir, namespace, r.lookup);
    if (blocked !== null) return blocked;
    volumeDirs.set(v.name, dir);
  }
  const mounts = new Map<string, string>();
  for (const m of c.volumeMounts ?? []) {
    const dir = volumeDirs.get(m.name);
    if (dir === undefined) return { reason: 'CreateContainerConfigError', message: `fake kubelet: volumeMount ${JSON.stringify(m.name)} names no volume of the pod` };
    mounts.set(m.mountPath, m.subPath ? join(dir, m.subPath) : dir);
  }
  if (mounts.has('/tmp')) env.TMPDIR = mounts.get('/tmp')!;
  for (const [k, v] of Object.entries(env)) env[k] = rewritePaths(v, mounts);
  Object.assign(env, r.extraEnv ?? {});
  const cwd = join(r.podDir, 'root');
  mkdirSync(cwd, { recursive: true });
  const args = [...(c.command?.slice(1) ?? []), ...(c.args ?? [])].map((a) => rewritePaths(a, mounts));
  return { args, env, cwd };
}

export function isBlocked(x: Launch | Blocked): x is Blocked {
  return 'reason' in x;
}
