// Command-line front of the test Kafka: starts it, prints "BOOTSTRAP <list>", forwards stdin commands, prints answers.
// Must not add commands of its own beyond quit, nor keep the cluster running after stdin closes or a signal.

import { createInterface } from 'node:readline';
import { startTestKafka, type TestKafka } from './index.js';

const USAGE = 'usage: node dist/test/support/test-kafka/cli.js [--brokers N]';

function parseBrokers(argv: readonly string[]): number | string {
  if (argv.length === 0) return 1;
  if (argv.length === 2 && argv[0] === '--brokers' && /^\d+$/.test(argv[1] ?? '')) return Number(argv[1]);
  return `unexpected arguments '${argv.join(' ')}'; ${USAGE}`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      `${USAGE}\ncommands on stdin: create <topic> <partitions> | down <id> | up <id> | rtt <id> <ms> | quit\n`,
    );
    return 0;
  }
  const brokers = parseBrokers(args);
  if (typeof brokers === 'string') {
    process.stderr.write(`${brokers}\n`);
    return 2;
  }
  let kafka: TestKafka;
  try {
    kafka = await startTestKafka({ brokers });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const shutdown = (): void => {
    void kafka.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  process.stdout.write(`BOOTSTRAP ${kafka.bootstrap}\n`);

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let quit = false;
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === '') continue;
      if (line === 'quit') {
        quit = true;
        break;
      }
      process.stdout.write(`${await kafka.send(line)}\n`);
    }
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    await kafka.stop();
    return 1;
  }
  await kafka.stop();
  if (quit) process.stdout.write('OK\n');
  return 0;
}

process.exitCode = await main();
// After quit the parent may still hold our stdin open; an open stdin would keep this process alive.
process.stdin.destroy();
