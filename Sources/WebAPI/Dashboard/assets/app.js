// The dashboard's entry point: routing by path (/ui/...), the session, the header (time range,
// search, auto-refresh, theme, logout) and the page life cycle. Pages are modules that render into
// a detached root; refreshes swap the new root in only when it is complete (no flicker).

import { h, replace, panel, errorState, loadingState } from "./dom.js";
import { ApiError, SessionExpired, logout, me } from "./api.js";
import { current as currentRange, picker, link } from "./timerange.js";
import * as loginPage from "./page-login.js";
import * as overviewPage from "./page-overview.js";
import * as devicePage from "./page-device.js";
import * as interfacePage from "./page-interface.js";
import * as flowsPage from "./page-flows.js";
import * as alertsPage from "./page-alerts.js";
import * as rulesPage from "./page-rules.js";
import * as silencesPage from "./page-silences.js";
import * as searchPage from "./page-search.js";
import * as dashboardsPage from "./page-dashboards.js";
import * as dashboardEditPage from "./page-dashboard-edit.js";

const ROUTES = [
  [/^\/ui\/login\/?$/, loginPage, "login"],
  [/^\/ui\/?$/, overviewPage, "overview"],
  [/^\/ui\/overview\/?$/, overviewPage, "overview"],
  [/^\/ui\/devices\/([^/]+)\/interfaces\/([^/]+)\/?$/, interfacePage, "interface"],
  [/^\/ui\/devices\/([^/]+)\/?$/, devicePage, "device"],
  [/^\/ui\/flows\/?$/, flowsPage, "flows"],
  [/^\/ui\/alerts\/?$/, alertsPage, "alerts"],
  [/^\/ui\/rules\/?$/, rulesPage, "rules"],
  [/^\/ui\/silences\/?$/, silencesPage, "silences"],
  [/^\/ui\/search\/?$/, searchPage, "search"],
  [/^\/ui\/dashboards\/?$/, { render: dashboardsPage.renderList }, "dashboards"],
  [/^\/ui\/dashboards\/new\/?$/, dashboardEditPage, "dashboard-edit"],
  [/^\/ui\/dashboards\/(\d+)\/edit\/?$/, dashboardEditPage, "dashboard-edit"],
  [/^\/ui\/dashboards\/(\d+)\/?$/, { render: dashboardsPage.renderOne }, "dashboard"],
];

const main = document.getElementById("main");
const topbar = document.getElementById("topbar");
let user = null;
let generation = 0;
let refreshTimer = null;

function route(pathname) {
  for (const [pattern, page, name] of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) return { page, name, params: match.slice(1).map(decodeURIComponent) };
  }
  return null;
}

/** Client-side navigation to a /ui/ URL. */
function navigate(url, { replace: replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, "", url); else history.pushState(null, "", url);
  show({ fresh: true });
}

function toLogin(expired) {
  const here = window.location.pathname + window.location.search;
  const params = new URLSearchParams();
  if (!here.startsWith("/ui/login")) params.set("next", here);
  if (expired) params.set("expired", "1");
  user = null;
  navigate(`/ui/login?${params}`, { replace: true });
}

function toast(text) {
  const el = document.getElementById("toast");
  el.textContent = text;
  el.hidden = false;
  setTimeout(() => { el.hidden = true; }, 4000);
}

/** Shared helpers handed to every page. */
function context(root, params, mine) {
  const pending = [];
  return {
    root,
    params,
    range: currentRange(),
    user,
    link,
    navigate,
    toast,
    loggedIn,
    stale: () => mine !== generation,
    /** A panel whose body `load()` builds; loading and error states included. */
    section(title, load, tools) {
      const body = h("div", {}, loadingState());
      const el = panel(title, body, tools);
      pending.push(Promise.resolve().then(load).then(
        (node) => replace(body, node),
        (error) => {
          if (error instanceof SessionExpired) throw error;
          replace(body, errorState(describe(error)));
        }));
      return el;
    },
    settled: () => Promise.all(pending),
  };
}

/** Human text for a failure. */
export function describe(error) {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof TypeError) return "netmond cannot be reached (network error).";
  return String(error && error.message ? error.message : error);
}

function markNav(name) {
  for (const a of topbar.querySelectorAll("[data-page]")) {
    if (a.dataset.page === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  for (const a of topbar.querySelectorAll("a[data-nav]")) {
    a.href = link(new URL(a.href).pathname);
  }
}

async function show({ fresh }) {
  const mine = ++generation;
  const found = route(window.location.pathname);
  const root = h("div", { class: "page" });
  document.body.dataset.ready = "0";
  if (!found) {
    topbar.hidden = user === null;
    replace(main, h("h1", {}, "Not found"), h("p", {}, "This page does not exist. ", h("a", { href: "/ui/", "data-nav": true }, "Overview")));
    document.body.dataset.ready = "1";
    return;
  }
  if (found.name !== "login" && user === null) {
    try {
      user = await me();
    } catch (error) {
      if (mine !== generation) return;
      if (error instanceof SessionExpired || (error instanceof ApiError && error.status === 401)) {
        toLogin(false);
        return;
      }
      topbar.hidden = true;
      replace(main, errorState(`Cannot check the session: ${describe(error)}`));
      document.body.dataset.ready = "1";
      return;
    }
  }
  topbar.hidden = found.name === "login";
  if (user) document.getElementById("user").textContent = user.username || "";
  replace(document.getElementById("timerange"), picker(() => show({ fresh: false })));
  markNav(found.name);
  if (fresh) replace(main, root);
  const ctx = context(root, found.params, mine);
  try {
    await found.page.render(ctx);
    await ctx.settled();
  } catch (error) {
    if (mine !== generation) return;
    if (error instanceof SessionExpired) { toLogin(true); return; }
    root.append(errorState(describe(error)));
  }
  if (mine !== generation) return;
  if (!fresh) replace(main, root);
  document.body.dataset.ready = "1";
  document.body.dataset.page = found.name;
  if (!performance.getEntriesByName("netmond-ready").length) performance.mark("netmond-ready");
  scheduleRefresh(found.name);
}

function refreshSeconds() {
  const value = Number(new URLSearchParams(window.location.search).get("refresh") || 0);
  return [30, 60, 300].includes(value) ? value : 0;
}

function scheduleRefresh(name) {
  clearTimeout(refreshTimer);
  const seconds = refreshSeconds();
  document.getElementById("refresh-select").value = String(seconds);
  if (!seconds || name === "login") return;
  refreshTimer = setTimeout(() => { if (!document.hidden) show({ fresh: false }); else scheduleRefresh(name); }, seconds * 1000);
}

function setTheme(theme) {
  document.documentElement.setAttribute("data-theme", theme);
  try { localStorage.setItem("netmond.theme", theme); } catch (e) { /* storage disabled */ }
}

function effectiveTheme() {
  const set = document.documentElement.getAttribute("data-theme");
  if (set === "light" || set === "dark") return set;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Called by the login page once the session cookie is set. */
function loggedIn(who) {
  user = who;
}

document.addEventListener("click", (event) => {
  const a = event.target.closest("a[href]");
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || a.target || a.hasAttribute("download")) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith("/ui")) return;
  event.preventDefault();
  // The auto-refresh choice changes without a re-render, so links drawn before carry the old one.
  const refresh = new URLSearchParams(window.location.search).get("refresh");
  if (refresh) url.searchParams.set("refresh", refresh); else url.searchParams.delete("refresh");
  navigate(url.pathname + url.search);
});
window.addEventListener("popstate", () => show({ fresh: true }));
document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = document.getElementById("search-input").value.trim();
  if (q) navigate(link("/ui/search", { q }));
});
document.getElementById("refresh-select").addEventListener("change", (event) => {
  const params = new URLSearchParams(window.location.search);
  if (event.target.value === "0") params.delete("refresh"); else params.set("refresh", event.target.value);
  history.replaceState(null, "", `${window.location.pathname}?${params}`);
  markNav(route(window.location.pathname)?.name);
  scheduleRefresh(route(window.location.pathname)?.name);
});
document.getElementById("theme-toggle").addEventListener("click", () => {
  setTheme(effectiveTheme() === "dark" ? "light" : "dark");
});
document.getElementById("logout").addEventListener("click", async () => {
  await logout();
  user = null;
  navigate("/ui/login", { replace: true });
});

show({ fresh: true });
