/** Graph's API versions a provisionOnDemand call may go to: the one home of their names. */
export const API_VERSIONS = ['v1.0', 'beta'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** The versions as a route parameter's pattern (`/:version{v1\.0|beta}` in Hono). */
export const API_VERSION_PATTERN = API_VERSIONS.map((version) => version.replace('.', '\\.')).join('|');

/** A Graph base URL without the version it ends in: `https://graph.microsoft.com/v1.0` → `https://graph.microsoft.com`. */
export function withoutApiVersion(url: string): string {
  return url.replace(new RegExp(`/(${API_VERSION_PATTERN})$`), '');
}
