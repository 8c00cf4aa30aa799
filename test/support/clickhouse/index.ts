// The test ClickHouse for tests: a re-export of the local ClickHouse that `incidentbench demo` also runs
// (src/control/local-stack). Must not add behaviour of its own.

export {
  CLICKHOUSE_INSTALL_HINT, findClickHouseServer, startClickHouse, type StartClickHouseOptions, type TestClickHouse,
} from '../../../src/control/local-stack/local-clickhouse.js';
