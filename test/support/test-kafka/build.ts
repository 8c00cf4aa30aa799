// The mock-kafka build for tests: a re-export of src/control/local-stack/mock-kafka-build.ts (binary in the user cache).
// Must not add behaviour of its own.

export {
  buildMockKafka, explainCompileFailure, findRepoRoot, INSTALL_HINT, mockKafkaPaths, needsBuild, type MockKafkaPaths,
} from '../../../src/control/local-stack/mock-kafka-build.js';
