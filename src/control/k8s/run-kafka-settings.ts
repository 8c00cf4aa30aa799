// Kafka settings the operator uses to read a run's topics (SPEC §15.1 `kafka`): the bootstrap list of the spec, SASL
// from the Secret named by saslSecretRef and TLS from caSecretRef, read by name. Secrets become files (mode 0600) in
// a private directory, since the Kafka client reads passwords and certificates from files. Must not log a secret.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaError } from '../../core/errors.js';
import { KAFKA_ENV, kafkaSettingsFromEnv, type KafkaSettings } from '../../kafka/kafka-config.js';
import type { KubeApi } from './kube-api.js';
import type { IncidentBenchRun } from './run-resource.js';

export interface RunKafkaOptions {
  /** Private directory for secret files; each run gets `<dir>/<namespace>/<run>`. */
  secretDir: string;
  connectTimeoutMs: number;
}

export async function runKafkaSettings(api: KubeApi, run: IncidentBenchRun, o: RunKafkaOptions): Promise<KafkaSettings> {
  const ns = run.metadata.namespace ?? api.defaultNamespace;
  const k = run.spec.kafka;
  const env: Record<string, string> = {};
  const dir = join(o.secretDir, ns, run.metadata.name);
  const file = (name: string, text: string): string => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  if (k.saslSecretRef) {
    const data = await api.getSecret(ns, k.saslSecretRef.name);
    if (data === null) throw new KafkaError(`spec.kafka.saslSecretRef: Secret ${JSON.stringify(k.saslSecretRef.name)} not found in namespace ${ns}`);
    for (const key of [KAFKA_ENV.saslMechanism, KAFKA_ENV.username]) if (data[key] !== undefined) env[key] = data[key]!;
    if (data[KAFKA_ENV.password] !== undefined) env[KAFKA_ENV.passwordFile] = file('sasl-password', data[KAFKA_ENV.password]!);
  }
  if (k.tls?.enabled) {
    env[KAFKA_ENV.tls] = 'true';
    if (k.tls.insecureSkipVerify) env[KAFKA_ENV.tlsRejectUnauthorized] = 'false';
    if (k.tls.caSecretRef) {
      const data = await api.getSecret(ns, k.tls.caSecretRef.name);
      if (data === null) throw new KafkaError(`spec.kafka.tls.caSecretRef: Secret ${JSON.stringify(k.tls.caSecretRef.name)} not found in namespace ${ns}`);
      if (data['ca.crt'] !== undefined) env[KAFKA_ENV.caFile] = file('ca.crt', data['ca.crt']);
      if (data['tls.crt'] !== undefined && data['tls.key'] !== undefined) {
        env[KAFKA_ENV.certFile] = file('tls.crt', data['tls.crt']);
        env[KAFKA_ENV.keyFile] = file('tls.key', data['tls.key']);
      }
    }
  }
  return kafkaSettingsFromEnv(env, { bootstrap: k.bootstrapServers, connectTimeoutMs: o.connectTimeoutMs, clientId: 'ib-operator' });
}
