// Alerts (active and past, acknowledge, silence) and events (reboots, link changes).

import { h, emptyState } from "./dom.js";
import { json, optional, query } from "./api.js";
import { dataTable } from "./table.js";
import { dateTime } from "./format.js";
import { allDevices, deviceNameById, statusBadge, toMillis } from "./common.js";

function alertActions(ctx, alert) {
  if (!alert.id || !alert.active) return "";
  const act = (label, path, body) => {
    const button = h("button", { type: "button", "data-action": label.toLowerCase() }, label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await json(path, { method: "POST", body });
        ctx.toast(`${label}: done`);
        // Draw the page again from the API, so the row shows the new state.
        ctx.navigate(window.location.pathname + window.location.search, { replace: true });
      } catch (error) {
        ctx.toast(`${label} failed: ${error.message}`);
        button.disabled = false;
      }
    });
    return button;
  };
  const id = encodeURIComponent(alert.id);
  return h("span", { class: "actions", "data-alert-id": alert.id },
    alert.acknowledged
      ? act("Unacknowledge", `/alerts/${id}/unacknowledge`, {})
      : act("Acknowledge", `/alerts/${id}/acknowledge`, {}), " ",
    alert.silenced ? "" : act("Silence", `/alerts/${id}/silence`, { duration: "1h" }));
}

function ackText(alert) {
  if (!alert.acknowledged) return alert.silenced ? "silenced" : "";
  return `acknowledged${alert.acked_by ? ` by ${alert.acked_by}` : ""}`;
}

export async function render(ctx) {
  const { root, range } = ctx;
  document.title = "Alerts & events · netmond";
  root.append(h("h1", {}, "Alerts & events"));
  const time = (row, ...keys) => toMillis(keys.map((k) => row[k]).find((v) => v !== undefined && v !== null));

  root.append(ctx.section("Alerts", async () => {
    const alerts = await optional(`/alerts${query({ from: range.from, to: range.to, limit: 1000 })}`, null);
    if (alerts === null) return emptyState("Alerting is not available on this daemon yet: no alert to show.");
    const items = alerts.items || [];
    if (!items.length) return emptyState("No alert in this time range.");
    return dataTable([
      { key: "state", label: "State", cell: (a) => statusBadge(a.state) },
      { key: "severity", label: "Severity", cell: (a) => statusBadge(a.severity) },
      { key: "rule", label: "Rule", value: (a) => a.rule || "", wrap: true },
      { key: "summary", label: "Summary", value: (a) => a.summary || "", wrap: true },
      { key: "device", label: "Device", value: (a) => [a.device, a.interface].filter(Boolean).join(" · ") },
      { key: "started", label: "Since", value: (a) => time(a, "fired_at", "since"), cell: (a) => dateTime(time(a, "fired_at", "since")) },
      { key: "ended", label: "Resolved", value: (a) => time(a, "resolved_at"), cell: (a) => dateTime(time(a, "resolved_at")) },
      { key: "ack", label: "Handling", value: (a) => ackText(a) },
      { key: "actions", label: "", value: () => "", cell: (a) => alertActions(ctx, a) },
    ], items, { id: "alerts", exportName: "alerts" });
  }));

  root.append(h("div", { class: "section" }, ctx.section("Events", async () => {
    const params = new URLSearchParams(window.location.search);
    const [events, { items: devices }] = await Promise.all([
      json(`/events${query({ from: range.from, to: range.to, device: params.get("device"), limit: 1000 })}`),
      allDevices(),
    ]);
    const items = events.items || [];
    if (!items.length) return emptyState("No event in this time range.");
    return dataTable([
      { key: "time", label: "Time", value: (e) => time(e, "time", "ts", "at", "timestamp"), cell: (e) => dateTime(time(e, "time", "ts", "at", "timestamp")) },
      { key: "device", label: "Device", value: (e) => deviceNameById(devices, e.device_id) },
      { key: "interface", label: "Interface", value: (e) => e.interface_id ?? "" },
      { key: "kind", label: "Kind", value: (e) => e.kind || e.type || "" },
      { key: "message", label: "Message", value: (e) => e.message || e.detail || e.text || "", wrap: true },
    ], items, { id: "events", exportName: "events", sort: { key: "time", dir: "desc" } });
  })));
}
