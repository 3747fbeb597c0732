// Search: devices the API matches by name/address/sysName, and interfaces (name, alias,
// description) of the monitored devices.

import { h, emptyState } from "./dom.js";
import { json, query } from "./api.js";
import { dataTable } from "./table.js";
import { bps } from "./format.js";
import { allDevices, mapLimit, deviceLink, deviceName, interfaceLink, interfaceName, statusBadge } from "./common.js";

const SCANNED_DEVICES = 100;

export async function render(ctx) {
  const { root } = ctx;
  const q = (new URLSearchParams(window.location.search).get("q") || "").trim();
  document.title = `Search “${q}” · netmond`;
  document.getElementById("search-input").value = q;
  root.append(h("h1", {}, "Search: ", q));
  if (!q) {
    root.append(emptyState("Type a device or interface name in the search box."));
    return;
  }
  const needle = q.toLowerCase();

  root.append(ctx.section("Devices", async () => {
    const { items } = await allDevices({ q, cap: 500 });
    if (!items.length) return emptyState("No device matches.");
    return dataTable([
      { key: "name", label: "Device", value: deviceName, cell: deviceLink },
      { key: "address", label: "Address" },
      { key: "sys_name", label: "sysName", wrap: true },
      { key: "status", label: "Status", cell: (d) => statusBadge(d.status) },
    ], items, { id: "search-devices", exportName: "search-devices", search: false });
  }));

  root.append(h("div", { class: "section" }, ctx.section("Interfaces", async () => {
    const { items: devices, total } = await allDevices({ cap: SCANNED_DEVICES });
    const lists = await mapLimit(devices, 4, async (d) => {
      const page = await json(`/devices/${encodeURIComponent(d.id)}/interfaces${query({ limit: 1000 })}`).catch(() => ({ items: [] }));
      return (page.items || []).filter((i) => [i.name, i.alias, i.descr].some((t) => t && String(t).toLowerCase().includes(needle)))
        .map((i) => ({ ...i, device: d }));
    });
    const rows = lists.flat();
    const note = total > devices.length ? h("p", { class: "muted" }, `Interfaces of the first ${devices.length} of ${total} devices were searched.`) : "";
    if (!rows.length) return h("div", {}, emptyState("No interface matches."), note);
    return h("div", {}, dataTable([
      { key: "device", label: "Device", value: (i) => deviceName(i.device), cell: (i) => deviceLink(i.device) },
      { key: "name", label: "Interface", value: interfaceName, cell: (i) => interfaceLink(i.device.id, i) },
      { key: "alias", label: "Alias", wrap: true },
      { key: "oper_status", label: "Status", cell: (i) => statusBadge(i.oper_status) },
      { key: "in_bps", label: "In", num: true, cell: (i) => bps(i.in_bps) },
      { key: "out_bps", label: "Out", num: true, cell: (i) => bps(i.out_bps) },
    ], rows, { id: "search-interfaces", exportName: "search-interfaces", search: false }), note);
  })));
}
