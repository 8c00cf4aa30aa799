// The fake Kubernetes API server's public face for tests: the server class and the types tests use.
// Re-exports only; must not add behaviour.

export { FakeKube, type FakeKubeOptions, type FakeObject } from './fake-kube.js';
export { COMPLETION_INDEX, JOB_NAME_LABEL, type SimulatePodsOptions } from './job-pods.js';
export type { RecordedRequest } from './request-log.js';
export type { KubeObject, StoreEvent, WatchEventType } from './types.js';
export { FakeKubelet, type FakeKubeletOptions, type PodRecord } from './kubelet.js';
