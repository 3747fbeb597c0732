// Overview: is the network OK? Devices up/down, active alerts, busiest interfaces, top talkers,
// flow exporters and the daemon's own health.

import { h, keyValues, emptyState } from "./dom.js";
import { json, optional, query } from "./api.js";
import { dataTable } from "./table.js";
import { bps, bytes, dateTime, duration, percent, si } from "./format.js";
import {
  allDevices, mapLimit, deviceLink, interfaceLink, deviceName, interfaceName, statusBadge, isUp,
  peakUtilization, flowKeyText, shareCell, sharePercent, toMillis,
} from "./common.js";

const BUSIEST_DEVICES = 50;

function tile(label, value, cls, id) {
  return h("div", { class: "tile", "data-tile": id }, h("div", { class: `value ${cls || ""}` }, String(value)), h("div", { class: "label" }, label));
}

/** Selected lines of the Prometheus text of /metrics: drops, queue depth, poll lateness. */
export function healthMetrics(text) {
  const rows = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || !/drop|late|queue_depth|queue_capacity|overflow|error/.test(m[1])) continue;
    rows.push({ metric: m[1], labels: (m[2] || "").slice(1, -1), value: Number(m[3]) });
  }
  return rows;
}

export async function render(ctx) {
  const { root, range } = ctx;
  document.title = "Overview · netmond";
  const tiles = h("div", { class: "tiles" }, emptyState("Loading…"));
  root.append(h("h1", {}, "Overview"), tiles);

  const devicesPromise = allDevices();
  const alertsPromise = optional(`/alerts${query({ state: "active" })}`, null);
  const exportersPromise = optional(`/flows/exporters${query({ from: range.from, to: range.to })}`, null);

  const grid = h("div", { class: "grid" });
  root.append(grid);

  grid.append(ctx.section("Devices", async () => {
    const { items } = await devicesPromise;
    if (!items.length) return emptyState("No device is configured yet.");
    return dataTable([
      { key: "name", label: "Device", value: deviceName, cell: deviceLink },
      { key: "address", label: "Address" },
      { key: "status", label: "Status", cell: (d) => statusBadge(d.status) },
      { key: "last_poll", label: "Last poll", value: (d) => toMillis(d.last_poll_at), cell: (d) => dateTime(toMillis(d.last_poll_at)) },
      { key: "last_error", label: "Last error", wrap: true },
    ], items, { id: "overview-devices", exportName: "devices", sort: { key: "status", dir: "asc" } });
  }));

  grid.append(ctx.section("Active alerts", async () => {
    const alerts = await alertsPromise;
    if (alerts === null) return emptyState("Alerting is not available on this daemon yet.");
    const items = alerts.items || [];
    if (!items.length) return emptyState("No active alert.");
    return dataTable([
      { key: "severity", label: "Severity", cell: (a) => statusBadge(a.severity) },
      { key: "name", label: "Alert", value: (a) => a.name || a.rule || a.summary, wrap: true },
      { key: "device", label: "Device", value: (a) => a.device_name || a.device || "" },
      { key: "since", label: "Since", value: (a) => toMillis(a.started_at ?? a.since), cell: (a) => dateTime(toMillis(a.started_at ?? a.since)) },
    ], items, { id: "overview-alerts", exportName: "active-alerts", search: false });
  }));

  grid.append(ctx.section("Busiest interfaces", async () => {
    const { items } = await devicesPromise;
    const lists = await mapLimit(items.slice(0, BUSIEST_DEVICES), 4, async (d) => {
      try {
        const page = await json(`/devices/${encodeURIComponent(d.id)}/interfaces${query({ limit: 1000 })}`);
        return (page.items || []).map((i) => ({ ...i, device: d }));
      } catch (e) {
        return [];
      }
    });
    const rows = lists.flat().filter((i) => peakUtilization(i) !== null || i.in_bps || i.out_bps)
      .sort((a, b) => (peakUtilization(b) ?? 0) - (peakUtilization(a) ?? 0) || (b.in_bps + b.out_bps) - (a.in_bps + a.out_bps))
      .slice(0, 10);
    if (!rows.length) return emptyState("No interface rate yet (two polls are needed).");
    return dataTable([
      { key: "device", label: "Device", value: (i) => deviceName(i.device), cell: (i) => deviceLink(i.device) },
      { key: "name", label: "Interface", value: interfaceName, cell: (i) => interfaceLink(i.device.id, i) },
      { key: "alias", label: "Alias", wrap: true },
      { key: "in_bps", label: "In", num: true, cell: (i) => bps(i.in_bps) },
      { key: "out_bps", label: "Out", num: true, cell: (i) => bps(i.out_bps) },
      { key: "util", label: "Peak util.", num: true, value: peakUtilization, cell: (i) => percent(peakUtilization(i)) },
    ], rows, { id: "overview-busiest", exportName: "busiest-interfaces", search: false });
  }));

  grid.append(ctx.section("Top talkers", async () => {
    const top = await json(`/flows/top${query({ by: "src", from: range.from, to: range.to, limit: 10 })}`);
    const items = top.items || [];
    if (!items.length) return emptyState("No flow in this time range.");
    return dataTable([
      { key: "key", label: "Source", value: (r) => flowKeyText(r.key) },
      { key: "bytes", label: "Bytes", num: true, cell: (r) => bytes(r.bytes) },
      { key: "share", label: "Share %", num: true, value: (r) => sharePercent(r.bytes, top.total_bytes), cell: (r) => shareCell(r.bytes, top.total_bytes) },
      { key: "packets", label: "Packets", num: true, cell: (r) => si(r.packets) },
      { key: "flows", label: "Flows", num: true },
    ], items, { id: "overview-talkers", exportName: "top-talkers", search: false });
  }));

  grid.append(ctx.section("Flow exporters", async () => {
    const exporters = await exportersPromise;
    if (exporters === null) return emptyState("Flow collection is not available on this daemon.");
    const items = exporters.items || exporters || [];
    if (!items.length) return emptyState("No exporter has sent flows yet.");
    const total = items.reduce((n, e) => n + (e.bytes || 0), 0);
    return dataTable([
      { key: "exporter", label: "Exporter", cell: (e) => h("a", { href: ctx.link("/ui/flows", { by: "interface", exporter: e.exporter }) }, String(e.exporter)) },
      { key: "bytes", label: "Bytes", num: true, cell: (e) => bytes(e.bytes) },
      { key: "share", label: "Share %", num: true, value: (e) => sharePercent(e.bytes, total), cell: (e) => shareCell(e.bytes, total) },
      { key: "packets", label: "Packets", num: true, cell: (e) => si(e.packets) },
      { key: "flows", label: "Flows", num: true },
    ], items, { id: "overview-exporters", exportName: "flow-exporters", search: false });
  }));

  grid.append(ctx.section("Daemon health", async () => {
    const response = await fetch("/healthz", { cache: "no-store" });
    const health = await response.json();
    let metrics = [];
    try {
      const m = await fetch("/metrics", { cache: "no-store" });
      if (m.ok) metrics = healthMetrics(await m.text());
    } catch (e) {
      metrics = [];
    }
    const summary = keyValues([
      ["Status", statusBadge(health.status)],
      ["Database", health.database],
      ["Version", health.version],
      ["Uptime", duration(health.uptime_seconds)],
    ]);
    const table = metrics.length
      ? dataTable([
        { key: "metric", label: "Metric" },
        { key: "labels", label: "Labels", wrap: true },
        { key: "value", label: "Value", num: true },
      ], metrics, { id: "overview-health", exportName: "daemon-health" })
      : emptyState("No queue or lateness metric exported.");
    return h("div", {}, summary, h("div", { class: "section" }, table));
  }));

  // Tiles once the lists are in.
  const [{ items, total }, alerts, exporters] = await Promise.all([
    devicesPromise, alertsPromise.catch(() => null), exportersPromise.catch(() => null),
  ]);
  const up = items.filter(isUp).length;
  tiles.replaceChildren(
    tile("devices", total, "", "devices"),
    tile("up", up, "ok", "up"),
    tile("down", items.length - up, items.length - up ? "bad" : "", "down"),
    tile("active alerts", alerts === null ? "–" : (alerts.items || []).length, (alerts?.items || []).length ? "bad" : "", "alerts"),
    tile("flow exporters", exporters === null ? "–" : (exporters.items || exporters || []).length, "", "exporters"),
  );
}
