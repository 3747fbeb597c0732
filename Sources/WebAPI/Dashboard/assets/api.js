// The dashboard's only way to data: the public REST API under /api/v1, authenticated by the
// HttpOnly session cookie the login sets. Mutations carry the CSRF token read from the (readable,
// non-secret-bearing) netmond_csrf cookie. No token is ever stored by this script.

const BASE = "/api/v1";

/** An API failure: HTTP status plus the API's error code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Thrown when the session is gone for good (refresh failed); the app sends the user to login. */
export class SessionExpired extends Error {}

function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return "";
}

function isMutation(method) {
  return !["GET", "HEAD", "OPTIONS"].includes(method);
}

async function errorFrom(response) {
  let code = `http_${response.status}`, message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch (e) {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message);
}

function send(path, { method = "GET", body, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (isMutation(method)) headers["X-CSRF-Token"] = cookie("netmond_csrf");
  return fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  });
}

let refreshing = null;

/** One refresh at a time, shared by every request that saw a 401. */
function refreshSession() {
  if (!refreshing) {
    refreshing = send("/auth/refresh", { method: "POST" })
      .then((r) => r.ok)
      .catch(() => false)
      .finally(() => { setTimeout(() => { refreshing = null; }, 0); });
  }
  return refreshing;
}

/** A request with the session cookie; a 401 triggers one refresh and one retry. */
export async function request(path, options = {}) {
  let response = await send(path, options);
  if (response.status === 401 && !path.startsWith("/auth/")) {
    if (await refreshSession()) response = await send(path, options);
    if (response.status === 401) throw new SessionExpired("session expired");
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** GET/POST… returning the JSON body (or null for 204). */
export async function json(path, options) {
  const response = await request(path, options);
  if (response.status === 204) return null;
  return response.json();
}

/** A query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    q.set(k, String(v));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** Like `json`, but a 404/501 (an endpoint this daemon does not have yet) gives `fallback`. */
export async function optional(path, fallback) {
  try {
    return await json(path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501)) return fallback;
    throw e;
  }
}

export async function login(username, password) {
  const response = await send("/auth/login", {
    method: "POST",
    body: { username, password, session: "cookie" },
  });
  if (!response.ok) throw await errorFrom(response);
  return response.json();
}

export async function logout() {
  try {
    await send("/auth/logout", { method: "POST" });
  } catch (e) {
    // Offline or already gone: the login page is still the right place.
  }
}

export function me() {
  return json("/auth/me");
}
