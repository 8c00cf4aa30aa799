// Which target adapters exist and which native query languages each speaks (SPEC §7.1, §8), for
// plan-time checks. Must not hold adapter behaviour — each adapter's folder does.

export const ADAPTER_LANGUAGES = {
  clickhouse: ['sql'],
  opensearch: ['dsl'],
  elasticsearch: ['dsl'],
  mach5: ['dsl', 'sql'],
} as const satisfies Record<string, readonly ('sql' | 'dsl')[]>;

export type AdapterName = keyof typeof ADAPTER_LANGUAGES;
export const ADAPTER_NAMES = Object.keys(ADAPTER_LANGUAGES) as AdapterName[];

export function isAdapterName(name: string): name is AdapterName {
  return Object.prototype.hasOwnProperty.call(ADAPTER_LANGUAGES, name);
}
