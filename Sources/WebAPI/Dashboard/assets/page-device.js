// Device: system information, the interfaces table (sortable, searchable), and traffic graphs of
// its busiest interfaces.

import { h, keyValues, emptyState } from "./dom.js";
import { json, query } from "./api.js";
import { dataTable } from "./table.js";
import { lineChart } from "./chart.js";
import { bps, dateTime, duration, percent, si } from "./format.js";
import { deviceName, interfaceLink, interfaceName, statusBadge, toMillis } from "./common.js";

const GRAPHED_INTERFACES = 4;

const KNOWN = new Set(["id", "name", "address", "status", "sys_name", "sys_descr", "sys_location", "sys_contact",
  "sys_object_id", "sys_uptime", "uptime_seconds", "last_poll_at", "last_success_at", "last_poll_ms", "last_error",
  "interface_count", "tags", "port", "organisation_id", "poll_interval_s"]);

/** Every scalar field of the device as [label, text] pairs: known ones first, the rest after. */
export function systemInfo(d) {
  const pairs = [
    ["Name", deviceName(d)],
    ["Status", statusBadge(d.status)],
    ["Address", d.port ? `${d.address}:${d.port}` : d.address],
    ["SNMP version", d.snmp ? d.snmp.version : undefined],
    ["sysName", d.sys_name],
    ["sysDescr", d.sys_descr],
    ["sysLocation", d.sys_location],
    ["sysContact", d.sys_contact],
    ["sysObjectID", d.sys_object_id],
    ["Uptime", d.uptime_seconds !== undefined ? duration(d.uptime_seconds) : d.sys_uptime !== undefined ? duration(d.sys_uptime / 100) : undefined],
    ["Last poll", d.last_poll_at ? dateTime(toMillis(d.last_poll_at)) : undefined],
    ["Last success", d.last_success_at ? dateTime(toMillis(d.last_success_at)) : undefined],
    ["Poll duration", d.last_poll_ms !== undefined && d.last_poll_ms !== null ? `${Number(d.last_poll_ms).toFixed(1)} ms` : undefined],
    ["Last error", d.last_error],
    ["Interfaces", d.interface_count],
    ["Tags", Array.isArray(d.tags) ? d.tags.join(", ") : undefined],
  ];
  for (const [k, v] of Object.entries(d)) {
    if (KNOWN.has(k) || v === null || typeof v === "object") continue;
    pairs.push([k.replace(/_/g, " "), /_at$/.test(k) ? dateTime(toMillis(v)) : String(v)]);
  }
  return pairs;
}

export async function render(ctx) {
  const { root, range } = ctx;
  const id = ctx.params[0];
  const device = await json(`/devices/${encodeURIComponent(id)}`);
  document.title = `${deviceName(device)} · netmond`;
  const interfacesPromise = json(`/devices/${encodeURIComponent(id)}/interfaces${query({ limit: 1000 })}`);

  root.append(
    h("div", { class: "crumbs" }, h("a", { href: ctx.link("/ui/") }, "Overview"), " / ", deviceName(device)),
    h("h1", {}, deviceName(device), " ", statusBadge(device.status)));
  const grid = h("div", { class: "grid" });
  root.append(grid);
  grid.append(ctx.section("System", async () => keyValues(systemInfo(device))));

  grid.append(ctx.section("Traffic of the busiest interfaces", async () => {
    const { items = [] } = await interfacesPromise;
    const busiest = items.filter((i) => i.in_bps || i.out_bps)
      .sort((a, b) => (b.in_bps + b.out_bps) - (a.in_bps + a.out_bps)).slice(0, GRAPHED_INTERFACES);
    if (!busiest.length) return emptyState("No interface carries traffic yet (two polls are needed).");
    const results = await Promise.all(busiest.map((i) =>
      json(`/devices/${encodeURIComponent(id)}/interfaces/${encodeURIComponent(i.id)}/series${query({ metric: "traffic", from: range.from, to: range.to })}`)
        .then((r) => (r.series || []).map((sr) => ({ ...sr, name: `${interfaceName(i)} ${sr.name}` })))));
    return lineChart(results.flat(), range, `${deviceName(device)}-traffic`);
  }));

  root.append(h("div", { class: "section" }, ctx.section("Interfaces", async () => {
    const { items = [] } = await interfacesPromise;
    if (!items.length) return emptyState("This device reported no interface.");
    return dataTable([
      { key: "if_index", label: "ifIndex", num: true },
      { key: "name", label: "Name", value: interfaceName, cell: (i) => interfaceLink(id, i) },
      { key: "alias", label: "Alias", wrap: true },
      { key: "speed_bps", label: "Speed", num: true, cell: (i) => bps(i.speed_bps) },
      { key: "status", label: "Admin / oper", value: (i) => `${i.admin_status ?? "?"}/${i.oper_status ?? "?"}`,
        cell: (i) => h("span", {}, statusBadge(i.admin_status), " ", statusBadge(i.oper_status)) },
      { key: "in_bps", label: "In", num: true, cell: (i) => bps(i.in_bps) },
      { key: "out_bps", label: "Out", num: true, cell: (i) => bps(i.out_bps) },
      { key: "in_utilization", label: "In util.", num: true, cell: (i) => percent(i.in_utilization) },
      { key: "out_utilization", label: "Out util.", num: true, cell: (i) => percent(i.out_utilization) },
      { key: "errors", label: "Errors/s", num: true, value: (i) => (i.in_errors_per_s ?? 0) + (i.out_errors_per_s ?? 0),
        cell: (i) => si((i.in_errors_per_s ?? 0) + (i.out_errors_per_s ?? 0)) },
    ], items, { id: `device-${id}-interfaces`, exportName: `${deviceName(device)}-interfaces`, sort: { key: "if_index", dir: "asc" } });
  })));
}
