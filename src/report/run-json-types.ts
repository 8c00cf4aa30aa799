// run.json's types for the report modules (SPEC §13). The analysis in stream-agg produces this shape, so the
// types live there (dependency direction, SPEC §2); this module only re-exports them.

export * from '../stream-agg/run-result-types.js';
