/**
 * Where outgoing webhooks may go. A webhook URL is chosen by an admin but answered by whatever
 * the name resolves to when the delivery is sent, so every delivery checks the addresses it
 * connects to (not only the URL when it is saved): loopback, private, link-local, unique-local,
 * multicast, unspecified and other special-purpose addresses are refused unless the operator
 * allows them with WEBHOOK_ALLOW_PRIVATE=true (for example a receiver on the same host).
 */
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch as undiciFetch } from 'undici';

export function privateTargetsAllowed(): boolean {
  return process.env.WEBHOOK_ALLOW_PRIVATE === 'true';
}

/** True for an address on the public internet (ipaddr.js's `unicast` range, IPv4-mapped IPv6 unwrapped). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

export class WebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetError';
  }
}

/** The host of a URL as an address, if it is one (the URL parser has already turned 2130706433 or 0x7f.1 into 127.0.0.1). */
function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return net.isIP(bare) ? bare : null;
}

/** Resolves the URL's host and refuses it if any of its addresses is not public. */
export async function checkWebhookTarget(url: URL, allowPrivate = privateTargetsAllowed()): Promise<void> {
  if (allowPrivate) return;
  const literal = literalAddress(url.hostname);
  let addresses: string[];
  if (literal) addresses = [literal];
  else {
    try {
      addresses = (await dns.promises.lookup(url.hostname, { all: true })).map((a) => a.address);
    } catch {
      throw new WebhookTargetError(`The host name ${url.hostname} does not resolve`);
    }
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw new WebhookTargetError('The URL points to a private, loopback or otherwise internal address; webhooks only go to public addresses');
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that fails for non-public addresses: used when connecting, so a name that changes its answer after the check is refused too. */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    if (list.length === 0 || !list.every((a) => isPublicAddress(a.address))) {
      return callback(Object.assign(new WebhookTargetError('refused: not a public address'), { code: 'EWEBHOOKTARGET' }), []);
    }
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}

let publicAgent: Agent | null = null;

/**
 * fetch for webhook deliveries: redirects are never followed (a 3xx is a failed delivery), and
 * unless private targets are allowed, both the URL's literal address and every address its name
 * resolves to when connecting must be public.
 */
export async function webhookFetch(url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }, allowPrivate = privateTargetsAllowed()): Promise<{ status: number; ok: boolean }> {
  const parsed = new URL(url);
  await checkWebhookTarget(parsed, allowPrivate);
  const dispatcher = allowPrivate ? undefined : (publicAgent ??= new Agent({ connect: { lookup: publicOnlyLookup as never } }));
  const res = await undiciFetch(parsed, { ...init, redirect: 'manual', dispatcher });
  await res.body?.cancel();
  return { status: res.status, ok: res.status >= 200 && res.status < 300 };
}
