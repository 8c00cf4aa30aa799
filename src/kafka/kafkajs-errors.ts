// Reads kafkajs errors by shape (name, protocol `type`, `cause`, aggregated `errors`), since kafkajs' classes are
// not named ESM exports. Must not throw, and must not decide what a caller does with an error.

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

function shape(err: unknown): ErrorShape | null {
  return typeof err === 'object' && err !== null ? (err as ErrorShape) : null;
}

/** The error, then its causes (cause / originalError), then aggregated errors: every error it is made of. */
export function kafkaErrorChain(err: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 32) {
    const e = queue.shift();
    if (e === undefined || e === null || out.includes(e)) continue;
    out.push(e);
    const s = shape(e);
    if (!s) continue;
    queue.push(s.cause, s.originalError);
    if (Array.isArray(s.errors)) queue.push(...(s.errors as unknown[]));
  }
  return out;
}

/** True when the error or any part of it is the Kafka protocol error `type` (e.g. 'UNKNOWN_TOPIC_OR_PARTITION'). */
export function hasKafkaErrorType(err: unknown, type: string): boolean {
  return kafkaErrorChain(err).some((e) => shape(e)?.type === type);
}

/** True when the error or any part of it has this name (e.g. 'KafkaJSSASLAuthenticationError'). */
export function hasKafkaErrorName(err: unknown, name: string): boolean {
  return kafkaErrorChain(err).some((e) => shape(e)?.name === name);
}

/**
 * A stable class for counting failures (SPEC §6.3 "error class"): the first protocol error type in the chain
 * ('NOT_LEADER_FOR_PARTITION'), else the innermost kafkajs error name ('KafkaJSConnectionError'), else the name.
 */
export function kafkaErrorClass(err: unknown): string {
  const chain = kafkaErrorChain(err);
  for (const e of chain) {
    const t = shape(e)?.type;
    if (typeof t === 'string' && t !== '') return t;
  }
  const names = chain.map((e) => shape(e)?.name).filter((n): n is string => typeof n === 'string' && n !== '');
  const specific = names.filter((n) => n !== 'KafkaJSNumberOfRetriesExceeded' && n !== 'KafkaJSNonRetriableError');
  return specific[specific.length - 1] ?? names[0] ?? 'Error';
}

/** The message to show: the outermost error's message (kafkajs copies the cause's text into it). */
export function kafkaErrorText(err: unknown): string {
  const m = shape(err)?.message;
  if (typeof m === 'string' && m !== '') return m;
  return String(err);
}
