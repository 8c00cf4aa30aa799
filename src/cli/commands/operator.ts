// `incidentbench operator [--namespace N] [--kubeconfig F] [--health-port P] [--json]` (SPEC §15.2): runs the
// IncidentBenchRun operator until SIGTERM/SIGINT, with /healthz and /readyz. Must not decide anything about runs.

import type { Command } from 'commander';
import { Logger } from '../../core/logger.js';
import { startHealthServer } from '../../control/k8s/health-server.js';
import { wholeNumber } from '../flag-values.js';

interface OperatorFlags {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  healthPort?: number;
  image?: string;
  json?: boolean;
  verbose?: boolean;
}

/** Where the namespace to watch comes from when --namespace is not given (set by the operator Deployment). */
export const WATCH_NAMESPACE_ENV = 'WATCH_NAMESPACE';

export function registerOperator(program: Command): void {
  program
    .command('operator')
    .description('run the Kubernetes operator for IncidentBenchRun resources (until SIGTERM)')
    .option('--namespace <ns>', `watch one namespace (default $${WATCH_NAMESPACE_ENV}, else all namespaces)`)
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster, $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--health-port <port>', 'port of /healthz and /readyz (0 = any free port)', wholeNumber('--health-port', 0), 8081)
    .option('--image <image>', 'image of run pods whose spec names none (default incidentbench:<version>)')
    .option('--json', 'log JSON lines (the default when stderr is not a terminal, e.g. in a pod)')
    .option('--verbose', 'debug logging')
    .action(async (f: OperatorFlags) => {
      const envNs = process.env[WATCH_NAMESPACE_ENV]?.trim();
      const namespace = f.namespace ?? (envNs !== undefined && envNs !== '' ? envNs : undefined);
      const logger = new Logger({ role: 'operator', json: f.json ?? !process.stderr.isTTY, level: f.verbose ? 'debug' : 'info' });
      // Loaded here, not at the top: @kubernetes/client-node adds about a second to every other command's start.
      const [{ KubeClient }, { Operator }] = await Promise.all([
        import('../../control/k8s/kube-client.js'), import('../../control/k8s/operator.js')]);
      const api = KubeClient.fromKubeconfig({ kubeconfig: f.kubeconfig, context: f.context });
      const operator = new Operator({ api, namespace, logger, image: f.image });
      const health = await startHealthServer({ live: () => operator.live, ready: () => operator.ready }, f.healthPort ?? 8081);
      logger.info('health endpoints listening', { port: health.port });
      let stopping: Promise<void> | null = null;
      const done = new Promise<void>((resolve) => {
        const onSignal = (signal: string): void => {
          if (stopping !== null) return;
          logger.info('stopping', { signal });
          stopping = operator.stop().finally(() => health.close()).then(resolve);
        };
        process.once('SIGTERM', () => onSignal('SIGTERM'));
        process.once('SIGINT', () => onSignal('SIGINT'));
      });
      try {
        await operator.start();
      } catch (err) {
        await operator.stop().catch(() => undefined);
        await health.close();
        throw err;
      }
      await done;
      process.exitCode = 0;
    });
}
