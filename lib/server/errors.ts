/** A typed error with a code; its message is safe to show. Database details never go in it. */
export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'internal';

export interface ErrorDetail {
  index?: number;
  path: string;
  message: string;
}

const STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** response headers that belong to the error (e.g. `Retry-After` on 429) */
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = [], options: { headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.headers = options.headers ?? {};
  }
  get status(): number {
    return STATUS[this.code];
  }
}
