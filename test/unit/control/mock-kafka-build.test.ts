// Unit tests of where the mock-kafka helper is built: the user's cache folder, keyed by the source.
// Must not compile anything (test/integration/test-kafka.test.ts does).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaError } from '../../../src/core/errors.js';
import { findRepoRoot } from '../../../src/control/local-stack/package-root.js';
import { mockKafkaBuildKey, mockKafkaPaths, needsBuild } from '../../../src/control/local-stack/mock-kafka-build.js';
import { userCacheDir } from '../../../src/control/local-stack/user-cache-dir.js';

describe('mock-kafka build location', function () {
  it('uses $XDG_CACHE_HOME/incidentbench, else ~/.cache/incidentbench (an empty or relative XDG_CACHE_HOME is ignored)', function () {
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }, '/home/u'), '/var/cache/me/incidentbench');
    assert.equal(userCacheDir({}, '/home/u'), '/home/u/.cache/incidentbench');
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '' }, '/home/u'), '/home/u/.cache/incidentbench');
    assert.equal(userCacheDir({ XDG_CACHE_HOME: 'rel/dir' }, '/home/u'), '/home/u/.cache/incidentbench');
  });

  it('reads the source from the package root and names the binary in the cache after the source', function () {
    const root = findRepoRoot();
    const p = mockKafkaPaths(root, '/cache');
    assert.equal(p.source, join(root, 'src', 'control', 'local-stack', 'mock-kafka.c'));
    assert.match(p.binary, /^\/cache\/mock-kafka-[0-9a-f]{16}$/);
  });

  it('gives another source text, or another platform, another binary', function () {
    assert.equal(mockKafkaBuildKey('int main(void){}', 'linux-x64'), mockKafkaBuildKey('int main(void){}', 'linux-x64'));
    assert.notEqual(mockKafkaBuildKey('int main(void){}', 'linux-x64'), mockKafkaBuildKey('int main(void){ }', 'linux-x64'));
    assert.notEqual(mockKafkaBuildKey('int main(void){}', 'linux-x64'), mockKafkaBuildKey('int main(void){}', 'linux-arm64'));
  });

  it('needs a build until the binary of this source exists', function () {
    const dir = mkdtempSync(join(tmpdir(), 'ib-build-'));
    try {
      const root = join(dir, 'pkg');
      mkdirSync(join(root, 'src', 'control', 'local-stack'), { recursive: true });
      writeFileSync(join(root, 'src', 'control', 'local-stack', 'mock-kafka.c'), 'int main(void) { return 0; }\n');
      const p = mockKafkaPaths(root, join(dir, 'cache'));
      assert.equal(needsBuild(p), true);
      mkdirSync(join(dir, 'cache'));
      writeFileSync(p.binary, '');
      assert.equal(needsBuild(p), false);
      writeFileSync(join(root, 'src', 'control', 'local-stack', 'mock-kafka.c'), 'int main(void) { return 1; }\n');
      assert.equal(needsBuild(mockKafkaPaths(root, join(dir, 'cache'))), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says the install is broken when the source is missing', function () {
    assert.throws(() => mockKafkaPaths('/no/such/package', '/cache'),
      (e: unknown) => e instanceof KafkaError && /mock-kafka source missing: \/no\/such\/package\/.*mock-kafka\.c/.test(e.message));
  });
});
