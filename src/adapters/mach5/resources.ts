// Mach5 REST paths under {url}/apis and the exact request bodies of prepare (SPEC §8.4 steps 1–5, the
// reference's bodies with our names), plus the query endpoint of a warehouse (step 7). Must not send anything.

import type { StreamContext } from '../types.js';
import { mappingProperties } from '../opensearch/mapping.js';
import { fillTemplate, type Mach5Config, type WarehouseConfig } from './config.js';

const seg = encodeURIComponent;

export class Mach5Paths {
  readonly namespace: string;
  constructor(url: string, ns: string) {
    this.namespace = `${url}/apis/namespaces/${seg(ns)}`;
  }
  connection(name: string): string {
    return `${this.namespace}/connections/${seg(name)}`;
  }
  index(name: string): string {
    return `${this.namespace}/indexes/${seg(name)}`;
  }
  pipeline(name: string): string {
    return `${this.namespace}/ingest_pipelines/${seg(name)}`;
  }
  warehouse(name: string): string {
    return `${this.namespace}/warehouses/${seg(name)}`;
  }
}

export function connectionBody(bootstrap: readonly string[]): unknown {
  return { kafka: { bootstrap_servers: bootstrap.join(',') } };
}

export function indexBody(stream: StreamContext): unknown {
  return {
    settings: { index: { number_of_shards: 1, number_of_replicas: 0 } },
    mappings: { properties: mappingProperties(stream.fields) },
    aliases: {},
  };
}

export function pipelineBody(ns: string, connection: string, stream: StreamContext, group: string): unknown {
  return {
    index: stream.index,
    source_config: {
      connection: { namespace: ns, name: connection },
      config: { type: 'kafka', topic: stream.topic, group_id: group, data_format: 'json' },
    },
    op_mode: 'appendorupsert',
    enabled: true,
    poll_frequency_secs: 5,
    max_ingest_workflows_limit: 4,
  };
}

/** The reference's fixed sizing (memory values are strings, as it sends them). */
export function defaultWarehouseResource(w: WarehouseConfig): Record<string, unknown> {
  return {
    num_mediators: w.numMediators,
    num_os: w.numOs,
    num_replica: 0,
    os: { memory: '2147483648' },
    md: { memory: '2147483648' },
    mdx: { memory: '2147483648' },
    ir: { memory: '1073741824' },
    osd: { memory: '1073741824' },
    osd_enabled: true,
    immutable: false,
    segment_cache_capacity: 1073741824,
    local_parallelism: 4,
    cache_warming_enabled: false,
    cache_warming_query_history: 100,
    os_processors: 2,
    index_access_memory_limit: 536870912,
    read_cache_size_limit: 268435456,
    inactive_mode: { type: 'Manual', idle_timeout_seconds: 300 },
  };
}

/** Merges `over` into `base`: mappings recursively, anything else replaced. */
export function mergeOverrides(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? mergeOverrides(b, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function warehouseBody(w: WarehouseConfig): unknown {
  return {
    resource: mergeOverrides(defaultWarehouseResource(w), w.resource),
    enabled: true,
    memory_policy: 'budgeted',
  };
}

/** Whether the query endpoint needs the warehouse id (only a template with {warehouse_id} does). */
export function endpointNeedsId(config: Mach5Config): boolean {
  return config.queryEndpointTemplate?.includes('{warehouse_id}') ?? false;
}

/** The nginx proxy path `{url}/namespaces/{ns}/warehouses/{name}/query` (no /apis), or the configured template. */
export function queryEndpoint(config: Mach5Config, warehouse: string, id: string | null): string {
  if (config.queryEndpointTemplate === null) {
    return `${config.url}/namespaces/${seg(config.namespace)}/warehouses/${seg(warehouse)}/query`;
  }
  return fillTemplate(config.queryEndpointTemplate, {
    endpoint: config.url, namespace: config.namespace, warehouse, warehouse_id: id ?? '',
  });
}
