// The dashboard editor (`/ui/dashboards/new`, `/ui/dashboards/{id}/edit`): name, visibility, and the
// ordered panels — add a series chart (series found through /series/catalog) or a flow top-N table
// (dimension and filters), retitle, resize, reorder, remove; save through the API.

import { h, emptyState, errorState, panel as panelBox, replace } from "./dom.js";
import { ApiError, json, query } from "./api.js";
import { GROUPINGS } from "./page-flows.js";
import { AGGREGATIONS, FLOW_FILTERS, SIZES, filterValue, flowSummary } from "./dashboard-panels.js";

const MAX_PANELS = 24;
const MAX_SERIES = 20;
/** Names of series seen in this session (id → name), to label series panels. */
const seriesNames = new Map();
/** Unsaved edits survive a re-render (time range change, auto-refresh) of the same editor. */
let unsaved = null;

function select(id, options, value, label) {
  return h("select", { id, "aria-label": label }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
}

function field(label, control) {
  return h("label", {}, label, control);
}

async function labelSeries(ids) {
  const unknown = ids.filter((id) => !seriesNames.has(id));
  if (!unknown.length) return;
  const now = Date.now();
  try {
    const result = await json(`/series${query({ ids: unknown.join(","), from: now - 60e3, to: now })}`);
    for (const sr of result.series || []) seriesNames.set(sr.id, sr.name);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    for (const id of unknown) if (!seriesNames.has(id)) seriesNames.set(id, `series ${id} (gone)`);
  }
}

function describe(panel) {
  if (panel.type === "flow_top") return flowSummary(panel.flow);
  const names = (panel.series_ids || []).map((id) => seriesNames.get(id) || `series ${id}`);
  return `${names.length} series (${panel.aggregation || "avg"}): ${names.join(", ")}`;
}

/** The list of panels with their controls; `changed()` redraws it. */
function panelList(draft, changed) {
  if (!draft.panels.length) return emptyState("No panel yet: add one below.");
  const list = h("ol", { class: "dash-panels", id: "dash-panels" });
  draft.panels.forEach((panel, index) => {
    const move = (delta) => {
      const [moved] = draft.panels.splice(index, 1);
      draft.panels.splice(index + delta, 0, moved);
      changed();
    };
    const title = h("input", { value: panel.title || "", maxlength: 100, placeholder: "Title", "aria-label": "Panel title", "data-panel-title": index });
    title.addEventListener("input", () => { panel.title = title.value; });
    const size = select(`dash-panel-size-${index}`, SIZES, panel.size || "medium", "Panel size");
    size.addEventListener("change", () => { panel.size = size.value; });
    const button = (text, action, disabled, onClick) => {
      const b = h("button", { type: "button", "data-panel-action": action, "data-panel": index, disabled }, text);
      b.addEventListener("click", onClick);
      return b;
    };
    list.append(h("li", { class: "dash-panel-row", "data-panel-type": panel.type },
      h("div", { class: "dash-panel-fields" },
        h("span", { class: "badge" }, panel.type === "flow_top" ? "top-N" : "series"), title, size,
        button("↑", "up", index === 0, () => move(-1)),
        button("↓", "down", index === draft.panels.length - 1, () => move(1)),
        button("Remove", "remove", false, () => { draft.panels.splice(index, 1); changed(); })),
      h("div", { class: "muted wrap-text" }, describe(panel))));
  });
  return list;
}

/** "Add a series chart": search the catalog, tick series, add. */
function seriesAdder(draft, changed, toast) {
  const q = h("input", { type: "search", id: "series-q", placeholder: "device, interface, alias or metric", size: 30, "aria-label": "Search series" });
  const results = h("div", { class: "series-results", id: "series-results" });
  const picked = new Set();
  const title = h("input", { id: "series-title", maxlength: 100, placeholder: "Title (optional)", "aria-label": "Series panel title" });
  const agg = select("series-agg", AGGREGATIONS.map((a) => [a, a]), "avg", "Aggregation");
  const size = select("series-size", SIZES, "medium", "Series panel size");
  const add = h("button", { type: "button", id: "add-series-panel", class: "primary" }, "Add series panel");

  async function search() {
    replace(results, h("p", { class: "state" }, "Searching…"));
    try {
      // %20, not "+", between words: the API reads query strings percent-decoded only.
      const found = await json(`/series/catalog?limit=100&q=${encodeURIComponent(q.value.trim())}`);
      const items = found.items || [];
      if (!items.length) { replace(results, emptyState("No series matches.")); return; }
      replace(results, h("ul", { class: "series-list" }, items.map((sr) => {
        seriesNames.set(sr.id, sr.name);
        const box = h("input", { type: "checkbox", "data-series-id": sr.id, checked: picked.has(sr.id) });
        box.addEventListener("change", () => { if (box.checked) picked.add(sr.id); else picked.delete(sr.id); });
        return h("li", {}, h("label", { class: "inline" }, box, sr.name, sr.if_alias ? h("span", { class: "muted" }, ` (${sr.if_alias})`) : null, sr.unit ? h("span", { class: "muted" }, ` ${sr.unit}`) : null));
      })), found.total > items.length ? h("p", { class: "muted" }, `${items.length} of ${found.total} shown: refine the search.`) : null);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      replace(results, errorState(`${error.message} (${error.code})`));
    }
  }
  q.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); search(); } });
  const go = h("button", { type: "button", id: "series-search" }, "Search");
  go.addEventListener("click", search);
  add.addEventListener("click", () => {
    if (!picked.size) { toast("Tick at least one series."); return; }
    if (picked.size > MAX_SERIES) { toast(`At most ${MAX_SERIES} series per panel.`); return; }
    if (draft.panels.length >= MAX_PANELS) { toast(`At most ${MAX_PANELS} panels.`); return; }
    draft.panels.push({ type: "series", title: title.value.trim(), size: size.value, series_ids: [...picked], aggregation: agg.value, flow: null });
    picked.clear();
    title.value = "";
    changed();
  });
  return panelBox("Add a series chart",
    h("div", {}, h("div", { class: "filters" }, field("Search", q), go), results,
      h("div", { class: "filters" }, field("Title", title), field("Aggregation", agg), field("Size", size), add)));
}

/** "Add a flow top-N table": dimension, rows, filters. */
function flowAdder(draft, changed, toast) {
  const by = select("flow-by", GROUPINGS, "src", "Group by");
  const limit = select("flow-limit", [5, 10, 20, 50, 100].map((n) => [String(n), String(n)]), "10", "Rows");
  const inputs = Object.fromEntries(FLOW_FILTERS.map(([key, label]) => [key, h("input", { id: `flow-${key}`, size: 12, "aria-label": label })]));
  const title = h("input", { id: "flow-title", maxlength: 100, placeholder: "Title (optional)", "aria-label": "Top-N panel title" });
  const size = select("flow-size", SIZES, "medium", "Top-N panel size");
  const add = h("button", { type: "button", id: "add-flow-panel", class: "primary" }, "Add top-N panel");
  add.addEventListener("click", () => {
    if (draft.panels.length >= MAX_PANELS) { toast(`At most ${MAX_PANELS} panels.`); return; }
    const flow = { by: by.value, limit: Number(limit.value) };
    for (const [key] of FLOW_FILTERS) flow[key] = filterValue(key, inputs[key].value);
    draft.panels.push({ type: "flow_top", title: title.value.trim(), size: size.value, series_ids: [], aggregation: null, flow });
    title.value = "";
    changed();
  });
  return panelBox("Add a flow top-N table",
    h("div", {}, h("div", { class: "filters" }, field("Group by", by), field("Rows", limit), FLOW_FILTERS.map(([key, label]) => field(label, inputs[key]))),
      h("div", { class: "filters" }, field("Title", title), field("Size", size), add)));
}

/** The body the API takes: only the fields it knows. */
function payload(draft) {
  return {
    name: draft.name,
    visibility: draft.visibility,
    panels: draft.panels.map((p) => ({
      type: p.type, title: p.title || "", size: p.size || "medium",
      ...(p.type === "series" ? { series_ids: p.series_ids, aggregation: p.aggregation || "avg" } : { flow: p.flow }),
    })),
  };
}

export async function render(ctx) {
  const { root } = ctx;
  const id = ctx.params[0] || null;
  const key = window.location.pathname;
  let draft;
  if (unsaved && unsaved.key === key) {
    draft = unsaved.draft;
  } else if (id) {
    const dashboard = await json(`/dashboards/${encodeURIComponent(id)}`);
    if (!dashboard.can_edit) {
      root.append(h("h1", {}, dashboard.name), errorState("You may not change this dashboard (shared ones are changed by their owner or an admin)."));
      return;
    }
    draft = { name: dashboard.name, visibility: dashboard.visibility, panels: dashboard.panels || [] };
  } else {
    draft = { name: "", visibility: "private", panels: [] };
  }
  unsaved = { key, draft };
  await labelSeries([...new Set(draft.panels.flatMap((p) => p.series_ids || []))]);
  document.title = `${id ? "Edit" : "New"} dashboard · netmond`;

  const mayShare = ctx.user && (ctx.user.superadmin || ctx.user.role === "editor" || ctx.user.role === "admin");
  const name = h("input", { id: "dash-name", value: draft.name, maxlength: 100, required: true, size: 40, "aria-label": "Dashboard name" });
  name.addEventListener("input", () => { draft.name = name.value; });
  const visibility = h("select", { id: "dash-visibility", "aria-label": "Visibility" },
    h("option", { value: "private", selected: draft.visibility === "private" }, "Private (only me)"),
    h("option", { value: "shared", selected: draft.visibility === "shared", disabled: !mayShare && draft.visibility !== "shared" }, "Shared with my organisation"));
  visibility.addEventListener("change", () => { draft.visibility = visibility.value; });
  const message = h("div", { "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "primary", id: "dash-save" }, "Save");
  const back = id ? `/ui/dashboards/${encodeURIComponent(id)}` : "/ui/dashboards";
  const cancel = h("a", { href: ctx.link(back), id: "dash-cancel" }, "Cancel");
  cancel.addEventListener("click", () => { unsaved = null; });
  const form = h("form", { class: "filters", id: "dash-form" }, field("Name", name), field("Visibility", visibility), save, cancel);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    message.replaceChildren();
    try {
      const body = payload(draft);
      const saved = id
        ? await json(`/dashboards/${encodeURIComponent(id)}`, { method: "PATCH", body })
        : await json("/dashboards", { method: "POST", body });
      unsaved = null;
      ctx.toast("Dashboard saved.");
      ctx.navigate(ctx.link(`/ui/dashboards/${encodeURIComponent(saved.id)}`));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      message.replaceChildren(errorState(`Not saved: ${error.message}`));
      save.disabled = false;
    }
  });

  const listHolder = h("div", {});
  const changed = () => replace(listHolder, panelList(draft, changed));
  changed();
  const tools = [];
  if (id) {
    const remove = h("button", { type: "button", id: "dash-delete", class: "danger" }, "Delete dashboard");
    remove.addEventListener("click", async () => {
      // Two clicks, no dialog: the first one asks.
      if (remove.dataset.armed !== "1") {
        remove.dataset.armed = "1";
        remove.textContent = "Click again to delete";
        return;
      }
      try {
        await json(`/dashboards/${encodeURIComponent(id)}`, { method: "DELETE" });
        unsaved = null;
        ctx.toast("Dashboard deleted.");
        ctx.navigate(ctx.link("/ui/dashboards"));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        message.replaceChildren(errorState(`Not deleted: ${error.message}`));
      }
    });
    tools.push(remove);
  }
  root.append(
    h("div", { class: "crumbs" }, h("a", { href: ctx.link("/ui/dashboards") }, "Dashboards"), " / ", id ? draft.name || "…" : "New"),
    h("div", { class: "page-head" }, h("h1", {}, id ? "Edit dashboard" : "New dashboard"), ...tools),
    form, message,
    panelBox("Panels (in display order)", listHolder),
    h("div", { class: "grid section" }, seriesAdder(draft, changed, ctx.toast), flowAdder(draft, changed, ctx.toast)));
}
