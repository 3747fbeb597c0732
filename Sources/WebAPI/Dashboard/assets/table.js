// Sortable, searchable tables. Cells are built from text or nodes (never HTML strings). The
// search text and sort survive re-renders (auto-refresh) through a per-table state map.

import { h, emptyState } from "./dom.js";
import { exportButtons } from "./export.js";

const remembered = new Map();

/**
 * columns: [{key, label, value(row) → sortable/exported value, cell(row) → node/text, num, wrap}]
 * options: {id, rows, empty, search: true, exportName, sort: {key, dir}}
 */
export function dataTable(columns, rows, options = {}) {
  const id = options.id || "table";
  const state = remembered.get(id) || { q: "", sort: options.sort || null };
  remembered.set(id, state);
  const valueOf = (col, row) => (col.value ? col.value(row) : row[col.key]);
  const textOf = (col, row) => {
    const v = valueOf(col, row);
    return v === null || v === undefined ? "" : String(v);
  };

  const tbody = h("tbody");
  const count = h("span", { class: "count" });
  const headers = columns.map((col) => {
    const th = h("th", { class: col.num ? "num" : null, scope: "col", "data-sortable": true, "data-key": col.key }, col.label);
    th.addEventListener("click", () => {
      const dir = state.sort && state.sort.key === col.key && state.sort.dir === "asc" ? "desc" : "asc";
      state.sort = { key: col.key, dir };
      render();
    });
    return th;
  });

  function visibleRows() {
    const q = state.q.trim().toLowerCase();
    let shown = q ? rows.filter((row) => columns.some((col) => textOf(col, row).toLowerCase().includes(q))) : rows.slice();
    if (state.sort) {
      const col = columns.find((c) => c.key === state.sort.key);
      if (col) {
        const sign = state.sort.dir === "asc" ? 1 : -1;
        shown.sort((a, b) => {
          const x = valueOf(col, a), y = valueOf(col, b);
          if (x === y) return 0;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          if (typeof x === "number" && typeof y === "number") return (x - y) * sign;
          return String(x).localeCompare(String(y), undefined, { numeric: true }) * sign;
        });
      }
    }
    return shown;
  }

  function render() {
    const shown = visibleRows();
    headers.forEach((th, i) => {
      const sorted = state.sort && state.sort.key === columns[i].key;
      if (sorted) th.setAttribute("aria-sort", state.sort.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    tbody.replaceChildren(...shown.map((row) => h("tr", {},
      columns.map((col) => h("td", { class: [col.num ? "num" : "", col.wrap ? "wrap" : ""].join(" ").trim() || null },
        col.cell ? col.cell(row) : textOf(col, row))))));
    count.textContent = rows.length === shown.length ? `${rows.length} rows` : `${shown.length} of ${rows.length} rows`;
    empty.hidden = shown.length > 0;
    empty.textContent = rows.length ? "No row matches the search." : options.empty || "Nothing to show.";
  }

  const empty = emptyState("");
  const tools = h("div", { class: "table-tools" }, count);
  if (options.search !== false) {
    const input = h("input", { type: "search", placeholder: "Filter rows", "aria-label": "Filter rows", value: state.q, "data-table-search": id });
    input.addEventListener("input", () => { state.q = input.value; render(); });
    tools.prepend(input);
  }
  if (options.exportName) {
    tools.append(exportButtons(options.exportName, () => {
      const shown = visibleRows();
      return {
        header: columns.map((c) => c.label),
        rows: shown.map((row) => columns.map((c) => textOf(c, row))),
        objects: shown.map((row) => Object.fromEntries(columns.map((c) => [c.key, valueOf(c, row) ?? null]))),
      };
    }));
  }
  const table = h("table", { "data-table": id }, h("thead", {}, h("tr", {}, headers)), tbody);
  render();
  return h("div", { class: "data-table" }, tools, h("div", { class: "table-wrap" }, table), empty);
}
