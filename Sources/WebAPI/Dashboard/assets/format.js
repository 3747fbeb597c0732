// Number and time formatting for tables, axes and legends.

const SI = ["", "k", "M", "G", "T", "P"];

/** 1234567 → "1.23 M" (powers of 1000, for rates in bit/s, packets/s). */
export function si(value, unit = "") {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  let v = Math.abs(value), i = 0;
  while (v >= 1000 && i < SI.length - 1) { v /= 1000; i++; }
  const digits = v >= 100 || i === 0 && Number.isInteger(value) ? 0 : v >= 10 ? 1 : 2;
  return `${value < 0 ? "-" : ""}${v.toFixed(digits)} ${SI[i]}${unit}`.trim();
}

export function bps(value) { return si(value, "b/s"); }

/** Bytes in powers of 1024. */
export function bytes(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = value, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i === 0 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

/** A utilisation in percent (0..100, as the API gives it) → "25.0 %". */
export function percent(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return `${value.toFixed(value < 10 ? 2 : 1)} %`;
}

/** A value with the series' unit. */
export function withUnit(value, unit) {
  switch (unit) {
    case "bps": case "bit/s": case "bits/s": return bps(value);
    case "pps": case "packet/s": case "packets/s": return si(value, "p/s");
    case "error/s": case "errors/s": return si(value, "err/s");
    case "bytes": case "byte": case "B": return bytes(value);
    case "percent": case "%": return percent(value);
    default: return unit ? `${si(value)} ${unit}` : si(value);
  }
}

function pad(n) { return String(n).padStart(2, "0"); }

/** Epoch ms or an ISO string → "2026-11-27 14:05:09" (local time). */
export function dateTime(value) {
  if (value === null || value === undefined || value === "") return "–";
  const d = new Date(typeof value === "number" ? value : Date.parse(value));
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Seconds → "3d 4h", "5m 2s". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
