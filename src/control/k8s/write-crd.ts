// `npm run crd`: writes the generated IncidentBenchRun CRD to manifests/crd (SPEC §15.3).
// A tiny entry point; must not build anything itself (crd.ts does).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_FILE, crdYaml } from './crd.js';

/** The repository root, seen from dist/src/control/k8s/write-crd.js. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const file = `${root}${CRD_FILE}`;
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, crdYaml());
process.stdout.write(`wrote ${CRD_FILE}\n`);
