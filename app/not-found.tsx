import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-gray-500">404</p>
        <h1 className="mt-2 text-xl font-semibold">Page not found</h1>
        <Link href="/accounts" className="mt-6 inline-block rounded-md bg-accent px-3 py-2 text-sm font-medium text-white hover:bg-accent-strong">Back to accounts</Link>
      </div>
    </main>
  );
}
