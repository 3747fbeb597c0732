// Saved dashboards: the list (yours and the ones shared in your organisation) and one dashboard,
// its panels drawn over the shared time range.

import { h, emptyState } from "./dom.js";
import { json, query } from "./api.js";
import { dataTable } from "./table.js";
import { dateTime } from "./format.js";
import { renderPanel } from "./dashboard-panels.js";

function visibilityBadge(visibility) {
  const shared = visibility === "shared";
  return h("span", { class: `badge ${shared ? "ok" : "muted"}`, "data-visibility": visibility }, shared ? "shared" : "private");
}

function ownerName(d) {
  return d.owner && d.owner.username ? d.owner.username : "(deleted user)";
}

/** `/ui/dashboards`: every dashboard the user may open. */
export async function renderList(ctx) {
  const { root } = ctx;
  document.title = "Dashboards · netmond";
  root.append(h("div", { class: "page-head" },
    h("h1", {}, "Dashboards"),
    h("a", { class: "button primary", id: "dash-new", href: ctx.link("/ui/dashboards/new") }, "New dashboard")));
  root.append(ctx.section("Saved dashboards", async () => {
    const list = await json(`/dashboards${query({ limit: 1000, sort: "name" })}`);
    const items = list.items || [];
    if (!items.length) return emptyState("No dashboard yet. Make one with “New dashboard”.");
    return dataTable([
      { key: "name", label: "Name", wrap: true, cell: (d) => h("a", { href: ctx.link(`/ui/dashboards/${encodeURIComponent(d.id)}`), "data-dashboard": d.id }, d.name) },
      { key: "visibility", label: "Visibility", cell: (d) => visibilityBadge(d.visibility) },
      { key: "owner", label: "Owner", value: ownerName },
      { key: "panel_count", label: "Panels", num: true },
      { key: "updated_at", label: "Updated", value: (d) => d.updated_at, cell: (d) => dateTime(d.updated_at) },
      { key: "edit", label: "", value: () => "", cell: (d) => (d.can_edit ? h("a", { href: ctx.link(`/ui/dashboards/${encodeURIComponent(d.id)}/edit`) }, "Edit") : "") },
    ], items, { id: "dashboards", exportName: "dashboards", sort: { key: "name", dir: "asc" } });
  }));
}

/** `/ui/dashboards/{id}`: the dashboard's panels. */
export async function renderOne(ctx) {
  const { root } = ctx;
  const id = ctx.params[0];
  const dashboard = await json(`/dashboards/${encodeURIComponent(id)}`);
  document.title = `${dashboard.name} · netmond`;
  root.append(
    h("div", { class: "crumbs" }, h("a", { href: ctx.link("/ui/dashboards") }, "Dashboards"), " / ", dashboard.name),
    h("div", { class: "page-head" },
      h("h1", { id: "dash-title" }, dashboard.name),
      visibilityBadge(dashboard.visibility),
      h("span", { class: "muted" }, `by ${ownerName(dashboard)}`),
      dashboard.can_edit ? h("a", { class: "button", id: "dash-edit", href: ctx.link(`/ui/dashboards/${encodeURIComponent(id)}/edit`) }, "Edit") : null));
  const panels = dashboard.panels || [];
  if (!panels.length) {
    root.append(emptyState(dashboard.can_edit ? "This dashboard has no panel yet: edit it to add some." : "This dashboard has no panel yet."));
    return;
  }
  const grid = h("div", { class: "dash-grid", "data-dashboard": dashboard.id });
  panels.forEach((panel, index) => grid.append(renderPanel(ctx, panel, `dash-${dashboard.id}-${index}`)));
  root.append(grid);
}
