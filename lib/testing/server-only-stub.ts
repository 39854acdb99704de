// Empty: stands in for the 'server-only' package when tests import server modules in Node.
export {};
