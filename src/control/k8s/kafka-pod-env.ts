// How a run's pods reach Kafka securely: SASL keys from a Secret (envFrom), TLS switches as IB_KAFKA_* env vars and
// the CA / client certificate Secret as a read-only volume (src/kafka/kafka-config.ts reads them). Pure.

import type { V1EnvFromSource, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { KAFKA_ENV } from '../../kafka/kafka-config.js';
import type { RunSpec } from './run-resource.js';

export const KAFKA_TLS_MOUNT_DIR = '/etc/incidentbench/kafka-tls';
const VOLUME = 'kafka-tls';

export interface KafkaPodSecurity {
  /** Secret with IB_KAFKA_SASL_MECHANISM / IB_KAFKA_USERNAME / IB_KAFKA_PASSWORD. */
  saslSecret?: string;
  tls?: RunSpec['kafka']['tls'];
  /** The TLS Secret also holds `tls.crt` and `tls.key` (mutual TLS). */
  tlsClientCert?: boolean;
}

export interface PodKafkaParts {
  env: V1EnvVar[];
  envFrom: V1EnvFromSource[];
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
}

export function kafkaPodParts(k: KafkaPodSecurity): PodKafkaParts {
  const parts: PodKafkaParts = { env: [], envFrom: [], volumes: [], mounts: [] };
  if (k.saslSecret) parts.envFrom.push({ secretRef: { name: k.saslSecret } });
  const tls = k.tls;
  if (!tls?.enabled) return parts;
  parts.env.push({ name: KAFKA_ENV.tls, value: 'true' });
  if (tls.insecureSkipVerify) parts.env.push({ name: KAFKA_ENV.tlsRejectUnauthorized, value: 'false' });
  const secret = tls.caSecretRef?.name;
  if (secret) {
    parts.volumes.push({ name: VOLUME, secret: { secretName: secret, defaultMode: 0o440 } });
    parts.mounts.push({ name: VOLUME, mountPath: KAFKA_TLS_MOUNT_DIR, readOnly: true });
    parts.env.push({ name: KAFKA_ENV.caFile, value: `${KAFKA_TLS_MOUNT_DIR}/ca.crt` });
    if (k.tlsClientCert) {
      parts.env.push({ name: KAFKA_ENV.certFile, value: `${KAFKA_TLS_MOUNT_DIR}/tls.crt` });
      parts.env.push({ name: KAFKA_ENV.keyFile, value: `${KAFKA_TLS_MOUNT_DIR}/tls.key` });
    }
  }
  return parts;
}
