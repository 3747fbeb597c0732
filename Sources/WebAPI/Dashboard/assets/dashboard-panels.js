// Saved dashboards: what their panels are (labels for the list and the editor) and how each one is
// drawn over the shared time range — a series panel through /series and the line chart, a flow
// top-N panel through /flows/top and a table.

import { h, emptyState } from "./dom.js";
import { json, query } from "./api.js";
import { dataTable } from "./table.js";
import { lineChart } from "./chart.js";
import { bytes, si } from "./format.js";
import { flowKeyText, shareCell, sharePercent } from "./common.js";
import { GROUPINGS } from "./page-flows.js";

export const SIZES = [["small", "Small (⅓)"], ["medium", "Medium (½)"], ["large", "Large (full width)"]];
export const AGGREGATIONS = ["avg", "min", "max", "sum"];
export const FLOW_FILTERS = [
  ["exporter", "Exporter IP"], ["interface", "Input ifIndex"], ["src", "Source (CIDR)"], ["dst", "Destination (CIDR)"],
  ["port", "Port"], ["protocol", "Protocol"],
];
const NUMERIC_FILTERS = new Set(["interface", "port"]);

/** The label of a flow dimension ("Top sources"). */
export function groupingLabel(by) {
  const found = GROUPINGS.find(([k]) => k === by);
  return found ? found[1] : by;
}

/** One line describing a flow query: "Top sources · 10 rows · port 443". */
export function flowSummary(flow) {
  const parts = [groupingLabel(flow.by), `${flow.limit || 10} rows`];
  for (const [key, label] of FLOW_FILTERS) {
    if (flow[key] !== null && flow[key] !== undefined && flow[key] !== "") parts.push(`${label.toLowerCase()} ${flow[key]}`);
  }
  return parts.join(" · ");
}

/** The heading of a panel: its title, or what it shows. */
export function panelTitle(panel) {
  if (panel.title) return panel.title;
  if (panel.type === "flow_top" && panel.flow) return groupingLabel(panel.flow.by);
  return `${(panel.series_ids || []).length} series`;
}

/** The query parameters of /flows/top for a flow panel over `range`. */
export function flowQuery(flow, range) {
  const params = { by: flow.by, limit: flow.limit || 10, from: range.from, to: range.to };
  for (const [key] of FLOW_FILTERS) {
    const value = flow[key];
    if (value !== null && value !== undefined && value !== "") params[key] = value;
  }
  return params;
}

/** A flow filter as the API takes it: numbers for ifIndex and port, trimmed text otherwise. */
export function filterValue(key, text) {
  const value = String(text ?? "").trim();
  if (!value) return null;
  return NUMERIC_FILTERS.has(key) ? Number(value) : value;
}

function keyColumns(items) {
  const sample = items.find((r) => r.key && typeof r.key === "object");
  if (!sample) return [{ key: "key", label: "Key", value: (r) => flowKeyText(r.key) }];
  return Object.keys(sample.key).map((k) => ({ key: `key.${k}`, label: k.replace(/_/g, " "), value: (r) => (r.key ? r.key[k] : null) }));
}

async function seriesBody(panel, range, name) {
  const params = { ids: (panel.series_ids || []).join(","), from: range.from, to: range.to, agg: panel.aggregation || undefined };
  const result = await json(`/series${query(params)}`);
  return lineChart(result.series || [], range, name);
}

async function flowBody(panel, range, name, tableId) {
  const top = await json(`/flows/top${query(flowQuery(panel.flow, range))}`);
  const items = top.items || [];
  if (!items.length) return emptyState("No flow matches in this time range.");
  return dataTable([
    ...keyColumns(items),
    { key: "bytes", label: "Bytes", num: true, cell: (r) => bytes(r.bytes) },
    { key: "share", label: "Share %", num: true, value: (r) => sharePercent(r.bytes, top.total_bytes), cell: (r) => shareCell(r.bytes, top.total_bytes) },
    { key: "packets", label: "Packets", num: true, cell: (r) => si(r.packets) },
    { key: "flows", label: "Flows", num: true },
  ], items, { id: tableId, exportName: name, search: false });
}

/**
 * The panel as a section of the page (its body loads through ctx.section, with the loading and
 * error states every page has). `key` makes table ids and export names unique.
 */
export function renderPanel(ctx, panel, key) {
  const name = `${key}-${panelTitle(panel)}`;
  const section = ctx.section(panelTitle(panel), () => (panel.type === "flow_top"
    ? flowBody(panel, ctx.range, name, `${key}-flows`)
    : seriesBody(panel, ctx.range, name)));
  section.classList.add(`size-${SIZES.some(([s]) => s === panel.size) ? panel.size : "medium"}`);
  section.dataset.panelType = panel.type;
  return section;
}
