// Counter-based randomness (SPEC §5.1): every draw is a pure function hash(seed, g, field, k) — MurmurHash3's
// 32-bit block mixing over the words (seed, g lo, g hi, field·2^16 + k) and its finaliser. Must not keep state.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO_32 = 4294967296;
const INV_2_32 = 1 / TWO_32;

/** Pre-mixes one input word (MurmurHash3 `k` scrambling); constants such as field and k are pre-mixed once. */
function wordMix(word: number): number {
  let k = Math.imul(word | 0, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function absorb(h: number, mixed: number): number {
  h ^= mixed;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's fmix32: a bijection on 32 bits with full avalanche; returns an unsigned value. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The part of every draw that depends on the event only: absorb(seed), absorb(g lo), absorb(g hi).
 * g is a non-negative integer up to 2^53 (split into two 32-bit halves).
 */
export function eventKey(seed: number, g: number): number {
  return eventKeyFrom(seedKey(seed), g);
}

/** The seed's share of every event key, computed once per stream. */
export function seedKey(seed: number): number {
  return absorb(0, wordMix(seed));
}

/** eventKey(seed, g) from seedKey(seed). */
export function eventKeyFrom(seedState: number, g: number): number {
  const lo = g >>> 0; // ToUint32: g mod 2^32 for integers
  const hi = Math.floor(g * INV_2_32) >>> 0;
  return absorb(absorb(seedState, wordMix(lo)), wordMix(hi));
}

/** Fields and draws per field are both below 2^16, so (field, k) is one 32-bit word. */
export const MAX_FIELDS = 65536;
export const MAX_DRAWS_PER_FIELD = 65536;

/** The pre-mixed word of (field, k), computed once per draw site. */
export function slotMix(field: number, k: number): number {
  if (!(field >= 0 && field < MAX_FIELDS && k >= 0 && k < MAX_DRAWS_PER_FIELD)) {
    throw new RangeError(`draw slot (field ${field}, k ${k}) is outside [0, 2^16) × [0, 2^16)`);
  }
  return wordMix(field * MAX_DRAWS_PER_FIELD + k);
}

/** A uint32 draw from an event key and a pre-mixed (field, k) word (see `slotMix`). */
export function drawFrom(key: number, slotMixed: number): number {
  return fmix32(absorb(key, slotMixed) ^ 16); // 16 = input length in bytes, as in MurmurHash3
}

/** hash(seed, g, field, k) as an unsigned 32-bit integer. */
export function draw32(seed: number, g: number, field: number, k: number): number {
  return drawFrom(eventKey(seed, g), slotMix(field, k));
}

/** hash(seed, g, field, k) as a uniform double in [0, 1) with 32 random bits. */
export function unit(seed: number, g: number, field: number, k: number): number {
  return draw32(seed, g, field, k) * INV_2_32;
}
