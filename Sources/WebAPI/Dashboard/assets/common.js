// Pieces several pages share: device and interface lookups, status badges, flow keys.

import { h } from "./dom.js";
import { json, query } from "./api.js";
import { link } from "./timerange.js";

/** Every device (pages of 200, at most `cap`). */
export async function allDevices({ q, cap = 1000 } = {}) {
  const items = [];
  let total = Infinity;
  while (items.length < Math.min(total, cap)) {
    const page = await json(`/devices${query({ limit: 200, offset: items.length, q })}`);
    const got = page.items || [];
    total = page.total ?? got.length;
    items.push(...got);
    if (!got.length) break;
  }
  return { items, total: Number.isFinite(total) ? total : items.length };
}

/** `fn` over `items`, at most `limit` at a time. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function deviceName(d) {
  return d.name || d.sys_name || d.address || `device ${d.id}`;
}

export function interfaceName(i) {
  return i.name || i.descr || `ifIndex ${i.if_index}`;
}

/** "up"/"down"/other → a coloured badge. */
export function statusBadge(status) {
  const text = status === undefined || status === null ? "unknown" : String(status);
  const cls = /^(up|ok|reachable|1)$/i.test(text) ? "ok" : /^(down|unreachable|2|critical|firing|error)$/i.test(text) ? "bad" : "warn";
  return h("span", { class: `badge ${cls}`, "data-status": text }, text);
}

export function isUp(device) {
  return /^up$/i.test(String(device.status ?? ""));
}

export function deviceLink(d) {
  return h("a", { href: link(`/ui/devices/${encodeURIComponent(d.id)}`) }, deviceName(d));
}

export function interfaceLink(deviceId, i) {
  return h("a", { href: link(`/ui/devices/${encodeURIComponent(deviceId)}/interfaces/${encodeURIComponent(i.id)}`) }, interfaceName(i));
}

/** The larger of in/out utilisation. */
export function peakUtilization(i) {
  const values = [i.in_utilization, i.out_utilization].filter((v) => typeof v === "number");
  return values.length ? Math.max(...values) : null;
}

/** A flow key object ({src: "10.0.0.1"} or {src, dst}) as one line of text. */
export function flowKeyText(key) {
  if (key === null || key === undefined) return "";
  if (typeof key !== "object") return String(key);
  const values = Object.values(key);
  if (values.every((v) => v === null || v === undefined)) return "(other)";
  return values.map((v) => (v === null || v === undefined ? "*" : String(v))).join(" ↔ ");
}

/** `part` as a percentage of `whole`, rounded to 0.1. */
export function sharePercent(part, whole) {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0;
}

/** A share bar plus percentage. */
export function shareCell(part, whole) {
  const pct = sharePercent(part, whole);
  const bar = h("span", { class: "bar" });
  bar.style.width = `${Math.max(1, Math.round(pct * 0.6))}px`;
  return h("span", {}, bar, `${pct.toFixed(1)} %`);
}

/** The name of device `id` from a list of devices, or "device ID". */
export function deviceNameById(devices, id) {
  const d = devices.find((x) => String(x.id) === String(id));
  return d ? deviceName(d) : id === null || id === undefined ? "" : `device ${id}`;
}

/** Epoch ms (or seconds, or RFC 3339) as a number of ms. */
export function toMillis(value) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return value < 1e11 ? value * 1000 : value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}
