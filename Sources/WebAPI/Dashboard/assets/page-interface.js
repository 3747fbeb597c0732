// Interface: traffic, packets and errors graphs with min/avg/max/p95, and the flows seen on it.

import { h, keyValues, emptyState } from "./dom.js";
import { json, optional, query } from "./api.js";
import { dataTable } from "./table.js";
import { lineChart } from "./chart.js";
import { bps, bytes, percent, si } from "./format.js";
import { deviceName, interfaceName, statusBadge, flowKeyText, shareCell, sharePercent } from "./common.js";

export async function render(ctx) {
  const { root, range } = ctx;
  const [deviceId, interfaceId] = ctx.params;
  const base = `/devices/${encodeURIComponent(deviceId)}`;
  const [device, list] = await Promise.all([json(base), json(`${base}/interfaces${query({ limit: 1000 })}`)]);
  const iface = (list.items || []).find((i) => String(i.id) === interfaceId);
  if (!iface) {
    root.append(h("h1", {}, "Interface not found"), emptyState(`Device ${deviceName(device)} has no interface ${interfaceId}.`));
    return;
  }
  document.title = `${interfaceName(iface)} on ${deviceName(device)} · netmond`;
  root.append(
    h("div", { class: "crumbs" }, h("a", { href: ctx.link("/ui/") }, "Overview"), " / ",
      h("a", { href: ctx.link(`/ui/devices/${encodeURIComponent(deviceId)}`) }, deviceName(device)), " / ", interfaceName(iface)),
    h("h1", {}, interfaceName(iface), " ", statusBadge(iface.oper_status)));
  const grid = h("div", { class: "grid" });
  root.append(grid);
  grid.append(ctx.section("Interface", async () => keyValues([
    ["Name", iface.name], ["Alias", iface.alias], ["Description", iface.descr], ["ifIndex", iface.if_index],
    ["Type", iface.type], ["Speed", bps(iface.speed_bps)],
    ["Admin / oper", h("span", {}, statusBadge(iface.admin_status), " ", statusBadge(iface.oper_status))],
    ["In / out", `${bps(iface.in_bps)} / ${bps(iface.out_bps)}`],
    ["Utilization in / out", `${percent(iface.in_utilization)} / ${percent(iface.out_utilization)}`],
  ])));

  for (const [metric, title] of [["traffic", "Traffic"], ["packets", "Packets"], ["errors", "Errors"]]) {
    grid.append(ctx.section(title, async () => {
      const result = await json(`${base}/interfaces/${encodeURIComponent(interfaceId)}/series${query({ metric, from: range.from, to: range.to })}`);
      return lineChart(result.series || [], range, `${deviceName(device)}-${interfaceName(iface)}-${metric}`);
    }));
  }

  root.append(h("div", { class: "section" }, ctx.section("Flows on this interface", async () => {
    if (!/^[\d.]+$|:/.test(String(device.address || ""))) {
      return emptyState("Flows are matched by exporter IP address; this device is configured by name.");
    }
    const top = await optional(`/flows/top${query({ by: "conversation", from: range.from, to: range.to, exporter: device.address, interface: iface.if_index, limit: 20 })}`, null);
    if (top === null) return emptyState("Flow collection is not available on this daemon.");
    const items = top.items || [];
    if (!items.length) return emptyState("No flow seen on this interface in this time range (is the device exporting flows?).");
    return dataTable([
      { key: "key", label: "Conversation", value: (r) => flowKeyText(r.key), wrap: true },
      { key: "bytes", label: "Bytes", num: true, cell: (r) => bytes(r.bytes) },
      { key: "share", label: "Share %", num: true, value: (r) => sharePercent(r.bytes, top.total_bytes), cell: (r) => shareCell(r.bytes, top.total_bytes) },
      { key: "packets", label: "Packets", num: true, cell: (r) => si(r.packets) },
      { key: "flows", label: "Flows", num: true },
    ], items, { id: "interface-flows", exportName: "interface-flows" });
  })));
}
