// Kubernetes `Status` failure bodies for the fake API server: an error class carrying code and reason, and the
// factories for the failures it reports. Must not decide when a request fails; callers do.

import { qualifiedResource, type ResourceType } from './resources.js';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string };
  code: number;
}

export class KubeStatusError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details?: StatusBody['details']) {
    super(message);
    this.name = 'KubeStatusError';
  }

  body(): StatusBody {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, details: this.details, code: this.code };
  }
}

const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests',
  500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** The usual reason for an HTTP status code (`InternalError` for unknown ones). */
export function reasonFor(code: number): string {
  return REASONS[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
}

function details(r: ResourceType, name: string): StatusBody['details'] {
  return { name, group: r.group, kind: r.plural };
}

export const statusErrors = {
  notFound: (r: ResourceType, name: string) =>
    new KubeStatusError(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, details(r, name)),
  alreadyExists: (r: ResourceType, name: string) =>
    new KubeStatusError(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, details(r, name)),
  conflict: (r: ResourceType, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new KubeStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${why}`, details(r, name)),
  invalid: (r: ResourceType, name: string, why: string) =>
    new KubeStatusError(422, 'Invalid', `${r.kind} "${name}" is invalid: ${why}`, details(r, name)),
  badRequest: (message: string) => new KubeStatusError(400, 'BadRequest', message),
  noSuchResource: () => new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource'),
  methodNotAllowed: (method: string) => new KubeStatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource: ${method}`),
  unsupportedMediaType: (contentType: string) =>
    new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got "${contentType}")`),
  unauthorized: () => new KubeStatusError(401, 'Unauthorized', 'Unauthorized'),
  expired: (rv: string) => new KubeStatusError(410, 'Expired', `too old resource version: ${rv}`),
  injected: (code: number, reason?: string) => new KubeStatusError(code, reason ?? reasonFor(code), `injected failure (${code})`),
};
