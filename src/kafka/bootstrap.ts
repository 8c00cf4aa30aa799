// Parses and checks a Kafka bootstrap list ("h1:9092,h2:9092", `--kafka`, CRD bootstrapServers) into host:port
// entries. Must not resolve names or open connections: a well-formed list may still be unreachable.

import { KafkaError } from '../core/errors.js';

export type BootstrapCheck = { ok: true; brokers: string[] } | { ok: false; problems: string[] };

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const IPV6 = /^\[([0-9A-Fa-f:.]+)\]:([^:]*)$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)/;
const EXAMPLE = "expected host:port, comma-separated (e.g. 'kafka-0:9092,kafka-1:9092')";

/**
 * Checks every entry and reports every bad one (one line each, quoting it). Accepts a comma-separated string or
 * a list whose items may themselves be comma-separated; whitespace around entries is ignored; duplicates are
 * dropped (first occurrence kept). Hosts are names, IPv4 addresses or bracketed IPv6 addresses; the port is
 * required (Kafka has no port every deployment agrees on).
 */
export function checkBootstrap(input: string | readonly string[]): BootstrapCheck {
  const text = typeof input === 'string' ? input : input.join(',');
  if (text.trim() === '') return { ok: false, problems: [`Kafka bootstrap is empty: ${EXAMPLE}`] };
  const problems: string[] = [];
  const brokers: string[] = [];
  text.split(',').forEach((raw, i) => {
    const entry = raw.trim();
    const problem = entryProblem(entry, i + 1);
    if (problem !== null) problems.push(`Kafka bootstrap ${problem}`);
    else if (!brokers.includes(entry)) brokers.push(entry);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, brokers };
}

/** The host:port list, or a KafkaError whose message has one line per bad entry. */
export function parseBootstrap(input: string | readonly string[]): string[] {
  const checked = checkBootstrap(input);
  if (!checked.ok) throw new KafkaError(checked.problems.join('\n'));
  return checked.brokers;
}

function entryProblem(entry: string, position: number): string | null {
  if (entry === '') return `entry ${position} is empty (stray comma?): ${EXAMPLE}`;
  const quoted = `'${entry}'`;
  const scheme = SCHEME.exec(entry);
  if (scheme) return `entry ${quoted} has a scheme: drop '${scheme[1]}' — ${EXAMPLE}`;
  const v6 = IPV6.exec(entry);
  if (v6) return portProblem(quoted, v6[2] ?? '');
  if (entry.startsWith('[')) return `entry ${quoted} is not a bracketed IPv6 address with a port: expected e.g. '[::1]:9092'`;
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return `entry ${quoted} has no port: expected host:port (e.g. '${entry}:9092')`;
  const host = entry.slice(0, colon);
  if (host.includes(':')) return `entry ${quoted} looks like an IPv6 address without brackets: expected e.g. '[${host}]:9092'`;
  if (host === '') return `entry ${quoted} has no host: ${EXAMPLE}`;
  if (!HOST.test(host)) {
    return `entry ${quoted} has an invalid host '${host}': expected a host name, an IPv4 address or a bracketed IPv6 address`;
  }
  return portProblem(quoted, entry.slice(colon + 1));
}

function portProblem(quoted: string, port: string): string | null {
  if (!/^\d+$/.test(port)) return `entry ${quoted} has an invalid port '${port}': expected a number 1..65535`;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? null : `entry ${quoted} has port ${port} out of range: expected 1..65535`;
}
