/** Only same-site paths are followed after sign-in: never another origin (open redirect). */
export function safeCallbackPath(value: unknown, fallback = '/accounts'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (value.startsWith('/login') || value.startsWith('/api/')) return fallback;
  return value;
}
