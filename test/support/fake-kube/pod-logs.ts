// Pod log texts for the fake API server: set/append by tests, served with `tailLines` and `follow` (a follower
// gets appended text until the pod ends, is deleted, or the server stops). Must not touch the object store.

import type { ServerResponse } from 'node:http';

export interface LogRequest {
  follow: boolean;
  tailLines?: number;
}

/** The last `n` lines of `text` (a final newline is kept). */
export function tail(text: string, n: number | undefined): string {
  if (n === undefined) return text;
  if (n <= 0) return '';
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  if (text === '') return '';
  return lines.slice(-n).join('\n') + (endsWithNewline ? '\n' : '');
}

export class PodLogs {
  private readonly texts = new Map<string, string>();
  private readonly followers = new Map<string, Set<ServerResponse>>();

  private key(namespace: string, pod: string): string {
    return `${namespace}/${pod}`;
  }

  text(namespace: string, pod: string): string {
    return this.texts.get(this.key(namespace, pod)) ?? '';
  }

  set(namespace: string, pod: string, text: string): void {
    this.texts.set(this.key(namespace, pod), text);
  }

  append(namespace: string, pod: string, text: string): void {
    const key = this.key(namespace, pod);
    this.texts.set(key, (this.texts.get(key) ?? '') + text);
    for (const res of this.followers.get(key) ?? []) res.write(text);
  }

  /** Ends the follow streams of one pod (its container finished). */
  end(namespace: string, pod: string): void {
    const key = this.key(namespace, pod);
    for (const res of this.followers.get(key) ?? []) res.end();
    this.followers.delete(key);
  }

  get followerCount(): number {
    let n = 0;
    for (const s of this.followers.values()) n += s.size;
    return n;
  }

  endAll(): void {
    for (const set of this.followers.values()) for (const res of set) res.end();
    this.followers.clear();
  }

  /** Writes the (tailed) log; with `follow` and a running pod, keeps the response open for appends. */
  serve(namespace: string, pod: string, o: LogRequest, running: boolean, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/plain', ...(o.follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
    const text = tail(this.text(namespace, pod), o.tailLines);
    if (!o.follow || !running) {
      res.end(text);
      return;
    }
    res.flushHeaders();
    if (text !== '') res.write(text);
    const key = this.key(namespace, pod);
    let set = this.followers.get(key);
    if (!set) this.followers.set(key, (set = new Set()));
    set.add(res);
    res.on('close', () => set.delete(res));
  }
}
