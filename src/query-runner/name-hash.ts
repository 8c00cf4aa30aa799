// A 16-bit FNV-1a hash of a name, used as the "field" slot of counter-based draws for named things (query
// groups, variables). Must not be used for anything security-related.

export function nameSlot(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h & 0xffff;
}
