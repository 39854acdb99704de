import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-gray-500">403</p>
        <h1 className="mt-2 text-xl font-semibold">You don&apos;t have access to this page</h1>
        <p className="mt-2 text-sm text-gray-600">Your role does not include it. Ask an admin if you need access.</p>
        <Link href="/accounts" className="mt-6 inline-block rounded-md bg-accent px-3 py-2 text-sm font-medium text-white hover:bg-accent-strong">Back to accounts</Link>
      </div>
    </main>
  );
}
