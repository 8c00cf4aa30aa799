// Where IncidentBench keeps files it builds for this user (the compiled mock-kafka helper): $XDG_CACHE_HOME/incidentbench,
// default ~/.cache/incidentbench. Must not create the folder or write anything; callers do.

import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The cache folder; a relative or empty XDG_CACHE_HOME is ignored, as the XDG base directory spec says. */
export function userCacheDir(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(home, '.cache');
  return join(base, 'incidentbench');
}
