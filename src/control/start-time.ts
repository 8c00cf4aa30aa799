// The run's t0 (SPEC §9 `start`): a whole second at least `leadMs` ahead (3 s local, 5 s in a cluster), so every
// worker hears START before the first phase begins. Must not send anything.

export const START_LEAD_MS = { local: 3000, cluster: 5000 } as const;

export function startTime(nowMs: number, leadMs: number): number {
  return Math.ceil((nowMs + leadMs) / 1000) * 1000;
}
