/**
 * Calls to the Lowcraft API (/api/v1): the session cookie goes along, unsafe requests carry the
 * `X-Requested-By` header the server requires, and error bodies become ApiError.
 */

/** The server answered with an error (`{"error": {"code", "message", "details"}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export async function api<T>(path: string, init: { method?: string; body?: unknown; form?: FormData } = {}, fetcher: typeof fetch = fetch): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (UNSAFE.has(method)) headers["X-Requested-By"] = "lowcraft";
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  // A form (file upload) sets its own multipart Content-Type with the boundary.
  const body = init.form ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined);
  const response = await fetcher(`/api/v1${path}`, {
    method,
    headers,
    credentials: "same-origin",
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  const parsed: unknown = text === "" ? undefined : JSON.parse(text);
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText);
  }
  return parsed as T;
}
