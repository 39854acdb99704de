/** curl examples for the API page, built from the route list. */
import type { RouteDoc } from './routes';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function curlExample(route: RouteDoc, base: string): string {
  const path = route.path.replace('{id}', route.idExample ?? 'acme');
  const url = `${base}${path}`;
  const lines = [`curl${route.method === 'get' ? '' : ` -X ${route.method.toUpperCase()}`} ${quote(url)}`];
  if (route.auth === 'bearer') lines.push(`-H "Authorization: Bearer $TRELLIS_KEY"`);
  if (route.auth === 'basic') lines.push(`-u "$TRELLIS_KEY:"`);
  if (route.body) {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(route.body.example === undefined ? `-d @model.json` : `-d ${quote(JSON.stringify(route.body.example))}`);
  }
  return lines.join(' \\\n  ');
}
