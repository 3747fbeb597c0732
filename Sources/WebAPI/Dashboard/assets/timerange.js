// The time range shared by every page: `?range=1h` (a preset) or `?from=…&to=…` (epoch ms, a
// custom range), kept in the URL so links, reloads and bookmarks keep it.

import { h } from "./dom.js";

export const PRESETS = [
  ["15m", "Last 15 minutes", 15 * 60e3],
  ["1h", "Last hour", 3600e3],
  ["6h", "Last 6 hours", 6 * 3600e3],
  ["24h", "Last 24 hours", 24 * 3600e3],
  ["7d", "Last 7 days", 7 * 86400e3],
  ["30d", "Last 30 days", 30 * 86400e3],
];
const DEFAULT = "1h";

function parseTime(text) {
  if (!text) return NaN;
  if (/^\d+$/.test(text)) return Number(text);
  return Date.parse(text);
}

/** The range the URL names, resolved against now: {key, label, from, to} (ms). */
export function current(search = window.location.search) {
  const params = new URLSearchParams(search);
  const from = parseTime(params.get("from")), to = parseTime(params.get("to"));
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) {
    return { key: "custom", label: "Custom", from, to };
  }
  const preset = PRESETS.find(([key]) => key === params.get("range")) || PRESETS.find(([key]) => key === DEFAULT);
  const now = Date.now();
  return { key: preset[0], label: preset[1], from: now - preset[2], to: now };
}

/** The URL parameters that carry the range (and the refresh interval) from page to page. */
export function carriedParams(search = window.location.search) {
  const params = new URLSearchParams(search);
  const carried = new URLSearchParams();
  for (const name of ["range", "from", "to", "refresh"]) {
    if (params.has(name)) carried.set(name, params.get(name));
  }
  return carried;
}

/** `path` with the shared parameters (and `extra`) appended. */
export function link(path, extra = {}) {
  const params = carriedParams();
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined || v === null || v === "") params.delete(k); else params.set(k, String(v));
  }
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

function toLocalInput(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60e3);
  return d.toISOString().slice(0, 16);
}

/** The picker: a preset select plus, for "custom", two datetime inputs and Apply. */
export function picker(onChange) {
  const range = current();
  const select = h("select", { id: "range-select", "aria-label": "Time range" },
    PRESETS.map(([key, label]) => h("option", { value: key, selected: range.key === key }, label)),
    h("option", { value: "custom", selected: range.key === "custom" }, "Custom…"));
  const fromInput = h("input", { type: "datetime-local", id: "range-from", "aria-label": "From", value: toLocalInput(range.from) });
  const toInput = h("input", { type: "datetime-local", id: "range-to", "aria-label": "To", value: toLocalInput(range.to) });
  const apply = h("button", { type: "button", id: "range-apply" }, "Apply");
  const custom = h("span", { class: "timerange", hidden: range.key !== "custom" }, fromInput, toInput, apply);

  function navigate(changes) {
    const params = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) params.delete(k); else params.set(k, v);
    }
    const q = params.toString();
    history.pushState(null, "", q ? `${window.location.pathname}?${q}` : window.location.pathname);
    onChange();
  }
  select.addEventListener("change", () => {
    if (select.value === "custom") {
      custom.hidden = false;
      return;
    }
    custom.hidden = true;
    navigate({ range: select.value, from: null, to: null });
  });
  apply.addEventListener("click", () => {
    const from = Date.parse(fromInput.value), to = Date.parse(toInput.value);
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
      fromInput.setCustomValidity("Pick a start before the end");
      fromInput.reportValidity();
      return;
    }
    fromInput.setCustomValidity("");
    navigate({ range: null, from: String(from), to: String(to) });
  });
  return h("span", { class: "timerange" }, select, custom);
}
