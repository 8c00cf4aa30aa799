// The test Kafka for tests: a re-export of the local Kafka that `incidentbench demo` also runs (src/control/local-stack).
// Must not add behaviour of its own; tests import it here so they keep working wherever the implementation lives.

export { startTestKafka, type TestKafka, type TestKafkaOptions } from '../../../src/control/local-stack/local-kafka.js';
