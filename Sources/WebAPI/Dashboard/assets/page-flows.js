// Flows: top talkers, conversations, ports, protocols, exporters and interfaces over the time
// range, filtered by exporter, interface, address, port and protocol (all kept in the URL).

import { h, emptyState } from "./dom.js";
import { json, optional, query } from "./api.js";
import { dataTable } from "./table.js";
import { bytes, si } from "./format.js";
import { flowKeyText, shareCell, sharePercent } from "./common.js";

export const GROUPINGS = [
  ["src", "Top sources"], ["dst", "Top destinations"], ["conversation", "Conversations"],
  ["src_port", "Source ports"], ["dst_port", "Destination ports"], ["protocol", "Protocols"],
  ["exporter", "Exporters"], ["interface", "Interfaces"],
];
const FILTERS = ["exporter", "interface", "address", "port", "protocol"];

/** Key fields of the first item become columns ({src, dst} → two columns). */
function keyColumns(items) {
  const sample = items.find((r) => r.key && typeof r.key === "object");
  if (!sample) return [{ key: "key", label: "Key", value: (r) => flowKeyText(r.key) }];
  return Object.keys(sample.key).map((k) => ({ key: `key.${k}`, label: k.replace(/_/g, " "), value: (r) => (r.key ? r.key[k] : null) }));
}

export async function render(ctx) {
  const { root, range } = ctx;
  document.title = "Flows · netmond";
  const params = new URLSearchParams(window.location.search);
  const by = GROUPINGS.some(([k]) => k === params.get("by")) ? params.get("by") : "src";
  const exportersPromise = optional(`/flows/exporters${query({ from: range.from, to: range.to })}`, null);

  const bySelect = h("select", { name: "by", id: "flows-by" }, GROUPINGS.map(([k, label]) => h("option", { value: k, selected: k === by }, label)));
  const inputs = Object.fromEntries(FILTERS.map((f) => [f, h("input", { name: f, id: `flows-${f}`, value: params.get(f) || "", size: f === "address" ? 18 : 8 })]));
  const exporterList = h("datalist", { id: "flows-exporters" });
  inputs.exporter.setAttribute("list", "flows-exporters");
  const limit = h("select", { name: "limit", id: "flows-limit" }, [10, 20, 50, 100].map((n) => h("option", { value: n, selected: String(n) === (params.get("limit") || "20") }, String(n))));
  const form = h("form", { class: "filters", id: "flows-form" },
    h("label", {}, "Group by", bySelect),
    FILTERS.map((f) => h("label", {}, f, inputs[f])),
    h("label", {}, "Rows", limit),
    h("button", { type: "submit", class: "primary" }, "Apply"),
    exporterList);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const changes = { by: bySelect.value, limit: limit.value };
    for (const f of FILTERS) changes[f] = inputs[f].value.trim();
    ctx.navigate(ctx.link("/ui/flows", changes));
  });
  root.append(h("h1", {}, "Flows"), form);

  exportersPromise.then((exporters) => {
    const items = exporters === null ? [] : exporters.items || exporters || [];
    exporterList.replaceChildren(...items.map((e) => h("option", { value: e.exporter ?? "" })));
  }, () => {});

  const title = GROUPINGS.find(([k]) => k === by)[1];
  root.append(ctx.section(title, async () => {
    const filter = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) || ""]));
    const top = await json(`/flows/top${query({ by, from: range.from, to: range.to, limit: limit.value, ...filter })}`);
    const items = top.items || [];
    if (!items.length) return emptyState("No flow matches in this time range.");
    return dataTable([
      ...keyColumns(items),
      { key: "bytes", label: "Bytes", num: true, cell: (r) => bytes(r.bytes) },
      { key: "share", label: "Share %", num: true, value: (r) => sharePercent(r.bytes, top.total_bytes), cell: (r) => shareCell(r.bytes, top.total_bytes) },
      { key: "packets", label: "Packets", num: true, cell: (r) => si(r.packets) },
      { key: "flows", label: "Flows", num: true },
    ], items, { id: `flows-${by}`, exportName: `flows-${by}` });
  }));
}
