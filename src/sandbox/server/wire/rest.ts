/**
 * REST routing (restJson1, restXml): a request is matched on its HTTP method and path against
 * the routes of the services in services/table.ts. Path templates are the service models'
 * requestUri: `{Label}` is one segment, `{Label+}` the rest of the path (S3 object keys), and
 * after `?` the query keys that must be present (`?tagging`, `?list-type=2`).
 */
import type { HttpMethod, RestRoute } from '../../services/entry.js';
import { SERVICE_NAMES, SERVICES, type ServiceName } from '../../services/table.js';

export interface RestMatch {
  service: ServiceName;
  route: RestRoute;
  labels: Record<string, string>;
  query: Record<string, string>;
}

export interface CompiledRoute {
  service: ServiceName;
  route: RestRoute;
  re: RegExp;
  names: string[];
  required: Array<[string, string | undefined]>;
  /** more literal characters and required query keys win over fewer (`/{Bucket}?tagging` over `/{Bucket}`) */
  weight: number;
}

let compiled: CompiledRoute[] | undefined;

/** Every route of the table (services with `rest`), most specific first. */
export function compileRoutes(
  routes: Array<{ service: ServiceName; route: RestRoute }> = SERVICE_NAMES.flatMap((service) =>
    (SERVICES[service].rest?.routes ?? []).map((route) => ({ service, route })),
  ),
): CompiledRoute[] {
  const out: CompiledRoute[] = [];
  {
    for (const { service, route } of routes) {
      const [pathPart, queryPart] = route.path.split('?') as [string, string | undefined];
      const names: string[] = [];
      let literal = 0;
      const pattern = pathPart
        .split(/(\{[^}]+\})/)
        .map((piece) => {
          const m = /^\{([^}+]+)(\+?)\}$/.exec(piece);
          if (!m) {
            literal += piece.length;
            return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          }
          names.push(m[1]!);
          return m[2] ? '(.+)' : '([^/]+)';
        })
        .join('');
      const required = (queryPart ? queryPart.split('&') : []).map((kv) => {
        const [k, v] = kv.split('=') as [string, string | undefined];
        return [k, v] as [string, string | undefined];
      });
      out.push({
        service,
        route,
        re: new RegExp(`^${pattern}/?$`),
        names,
        required,
        weight: literal + 100 * required.length,
      });
    }
  }
  return out.sort((a, b) => b.weight - a.weight);
}

export function parseQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  return query;
}

/**
 * The REST operation a request names, or undefined. `service` (from the credential scope)
 * narrows the search when present: S3's and another service's routes may look alike.
 */
export function matchRest(
  method: string,
  url: string,
  service?: string,
  routes: CompiledRoute[] = (compiled ??= compileRoutes()),
): RestMatch | undefined {
  const q = url.indexOf('?');
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  const query = parseQuery(q >= 0 ? url.slice(q + 1) : '');
  for (const c of routes) {
    if (service && c.service !== service) continue;
    if (c.route.method !== (method as HttpMethod)) continue;
    const m = c.re.exec(rawPath);
    if (!m) continue;
    if (!c.required.every(([k, v]) => k in query && (v === undefined || query[k] === v))) continue;
    const labels: Record<string, string> = {};
    c.names.forEach((name, i) => (labels[name] = decodeURIComponent(m[i + 1]!)));
    return { service: c.service, route: c.route, labels, query };
  }
  return undefined;
}
