// A small SVG line chart of our own: time axis, value axis with round ticks, one line per series,
// a legend with min/avg/max/p95, and a hover cursor that reads every series at that moment.

import { h, s, emptyState } from "./dom.js";
import { dateTime, withUnit } from "./format.js";
import { exportButtons } from "./export.js";

const W = 800, H = 220, M = { left: 72, right: 12, top: 10, bottom: 24 };
const COLOURS = 6;

/** min/avg/max/p95 of the finite values (nearest-rank p95). */
export function stats(points) {
  const values = points.map((p) => p[1]).filter((v) => typeof v === "number" && Number.isFinite(v));
  if (!values.length) return { min: null, avg: null, max: null, p95: null };
  const sorted = values.slice().sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    min: sorted[0],
    avg: sum / values.length,
    max: sorted[sorted.length - 1],
    p95: sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)],
  };
}

/** Round tick values covering [0, max]. */
export function niceTicks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((f) => f >= raw);
  const ticks = [];
  for (let v = 0; v <= max + step * 0.001; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

const TIME_STEPS = [60e3, 300e3, 600e3, 1800e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3];

function timeTicks(from, to) {
  const step = TIME_STEPS.find((st) => (to - from) / st <= 7) || TIME_STEPS[TIME_STEPS.length - 1];
  const offset = new Date(from).getTimezoneOffset() * 60e3;
  const ticks = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return { ticks, step };
}

function timeLabel(t, step) {
  const text = dateTime(t);
  return step >= 86400e3 ? text.slice(5, 10) : step >= 3600e3 * 3 ? text.slice(5, 16) : text.slice(11, 16);
}

function nearest(points, t) {
  let lo = 0, hi = points.length - 1;
  if (hi < 0) return null;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] < t) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(points[lo - 1][0] - t) < Math.abs(points[lo][0] - t)) lo--;
  return points[lo];
}

/**
 * A chart panel body for `series` ([{name, unit, points: [[ms, value]], stats?}]) over `range`
 * ({from, to} ms). `name` names the export files.
 */
export function lineChart(series, range, name = "series") {
  const withPoints = series.filter((sr) => Array.isArray(sr.points) && sr.points.length);
  const total = withPoints.reduce((n, sr) => n + sr.points.length, 0);
  if (!total) return h("div", { class: "chart", "data-points": "0" }, emptyState("No data in this time range."));

  const unit = series[0].unit || "";
  const from = Math.min(range.from, ...withPoints.map((sr) => sr.points[0][0]));
  const to = Math.max(range.to, ...withPoints.map((sr) => sr.points[sr.points.length - 1][0]));
  const max = Math.max(0, ...withPoints.flatMap((sr) => sr.points.map((p) => (Number.isFinite(p[1]) ? p[1] : 0))));
  const yTicks = niceTicks(max);
  const yMax = yTicks[yTicks.length - 1];
  const x = (t) => M.left + ((t - from) / (to - from || 1)) * (W - M.left - M.right);
  const y = (v) => H - M.bottom - (v / (yMax || 1)) * (H - M.top - M.bottom);

  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": series.map((sr) => sr.name).join(", "), "data-points": total });
  const axis = s("g", { class: "axis" });
  for (const v of yTicks) {
    axis.append(s("line", { class: "grid-line", x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }));
    axis.append(s("text", { x: M.left - 6, y: y(v) + 4, "text-anchor": "end" }, withUnit(v, unit)));
  }
  const { ticks, step } = timeTicks(from, to);
  for (const t of ticks) {
    axis.append(s("line", { class: "grid-line", x1: x(t), x2: x(t), y1: M.top, y2: H - M.bottom }));
    axis.append(s("text", { x: x(t), y: H - 6, "text-anchor": "middle" }, timeLabel(t, step)));
  }
  svg.append(axis);

  series.forEach((sr, i) => {
    let d = "", pen = "M";
    for (const [t, v] of sr.points || []) {
      if (!Number.isFinite(v)) { pen = "M"; continue; }
      d += `${pen}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = "L";
    }
    svg.append(s("path", { class: `series s${i % COLOURS}`, d, "data-series": sr.name, "data-points": (sr.points || []).length }));
  });

  const cursor = s("line", { class: "hover-line", y1: M.top, y2: H - M.bottom, visibility: "hidden" });
  const overlay = s("rect", { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom, fill: "transparent" });
  svg.append(cursor, overlay);

  const tip = h("div", { class: "tip", hidden: true });
  const box = h("div", { class: "chart" }, svg, tip);
  overlay.addEventListener("mousemove", (event) => {
    const rect = svg.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * W;
    const t = from + ((px - M.left) / (W - M.left - M.right)) * (to - from);
    const hits = withPoints.map((sr) => [sr, nearest(sr.points, t)]);
    const at = hits[0][1][0];
    cursor.setAttribute("x1", x(at));
    cursor.setAttribute("x2", x(at));
    cursor.setAttribute("visibility", "visible");
    tip.replaceChildren(h("div", {}, dateTime(at)),
      ...hits.map(([sr, p]) => h("div", {}, h("span", { class: `swatch s${series.indexOf(sr) % COLOURS}` }), `${sr.name}: ${withUnit(p[1], sr.unit || unit)}`)));
    tip.hidden = false;
    const left = (x(at) / W) * rect.width;
    tip.style.left = `${Math.min(left + 12, rect.width - tip.offsetWidth - 4)}px`;
    tip.style.top = "8px";
  });
  overlay.addEventListener("mouseleave", () => {
    cursor.setAttribute("visibility", "hidden");
    tip.hidden = true;
  });

  const legend = h("table", { class: "legend" },
    h("thead", {}, h("tr", {}, h("th", {}, ""), ["min", "avg", "max", "p95"].map((k) => h("th", { class: "num" }, k)))),
    h("tbody", {}, series.map((sr, i) => {
      const st = sr.stats && Number.isFinite(sr.stats.max) ? sr.stats : stats(sr.points || []);
      return h("tr", {},
        h("td", {}, h("span", { class: `swatch s${i % COLOURS}` }), sr.name),
        ["min", "avg", "max", "p95"].map((k) => h("td", { class: "num", "data-stat": k }, withUnit(st[k], sr.unit || unit))));
    })));

  const tools = exportButtons(name, () => {
    const rows = withPoints.flatMap((sr) => sr.points.map((p) => [sr.name, new Date(p[0]).toISOString(), p[1]]));
    return {
      header: ["series", "time", `value (${unit})`],
      rows,
      objects: series.map((sr) => ({ name: sr.name, unit: sr.unit, points: sr.points })),
    };
  });
  return h("div", {}, h("div", { class: "table-tools" }, h("span", { class: "count" }, `${total} points`), tools), box, legend);
}
