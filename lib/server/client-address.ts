/**
 * The client's address for sign-in throttling and the audit log.
 *
 * Next.js does not give route handlers the connection's address, so without a proxy Trellis
 * knows no address at all (null). Forwarding headers are written by whoever sends the request,
 * so they are only read when TRUST_PROXY says which proxies put them there:
 *
 * - unset, empty, `0` or `false`: headers ignored, address unknown;
 * - `true` or `1`: one proxy in front (the usual reverse proxy): the last `X-Forwarded-For` entry,
 *   the one that proxy appended;
 * - a number N: N proxies in front: the Nth entry from the right;
 * - a comma-separated list of proxy addresses or ranges (`10.0.0.0/8, 192.168.1.5`): entries are
 *   read from the right, skipping those proxies; the first other entry is the client.
 *
 * Anything that is not an IP address is treated as unknown.
 */
import net from 'node:net';

type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'list'; list: net.BlockList };

export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === '0' || value.toLowerCase() === 'false') return { kind: 'none' };
  if (value.toLowerCase() === 'true') return { kind: 'hops', hops: 1 };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Math.min(Number(value), 100) };
  const list = new net.BlockList();
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [address, prefix] = entry.split('/');
    const family = net.isIP(address ?? '');
    if (!family) throw new Error(`TRUST_PROXY: "${entry}" is not an IP address or range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(prefix), type);
  }
  return { kind: 'list', list };
}

function normalise(entry: string | undefined): string | null {
  if (!entry) return null;
  let value = entry.trim();
  // "[2001:db8::1]:443" and "203.0.113.9:51000" as some proxies write them.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(value)) value = value.split(':')[0]!;
  if (value.toLowerCase().startsWith('::ffff:') && net.isIPv4(value.slice(7))) value = value.slice(7);
  return net.isIP(value) ? value.toLowerCase() : null;
}

function contains(list: net.BlockList, address: string): boolean {
  return list.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** The client address from the request's headers under the given TRUST_PROXY setting. */
export function clientAddress(headers: { get(name: string): string | null }, trust: TrustProxy = parseTrustProxy(process.env.TRUST_PROXY)): string | null {
  if (trust.kind === 'none') return null;
  const forwarded = (headers.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (forwarded.length === 0) return null;
  if (trust.kind === 'hops') return normalise(forwarded[Math.max(0, forwarded.length - trust.hops)]);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = normalise(forwarded[i]);
    if (address === null) return null;
    if (!contains(trust.list, address)) return address;
  }
  return normalise(forwarded[0]);
}
