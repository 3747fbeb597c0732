// Alert rules (list, create/edit/delete every kind, enable/disable), notification channels (create,
// edit, delete, send a test notification) and escalation policies. Editors change; viewers only read.

import { h, emptyState } from "./dom.js";
import { json } from "./api.js";
import { dataTable } from "./table.js";
import { statusBadge } from "./common.js";
import { canEdit, button, deleteButton, reload } from "./forms.js";
import { ruleForm } from "./rule-form.js";
import { channelsSection } from "./channels.js";
import { policiesSection } from "./policies.js";

/** A short sentence of what a rule watches. */
function conditionText(r) {
  const minutes = (ms) => (ms === null || ms === undefined ? "" : `${Math.round(ms / 60000)}m`);
  switch (r.kind) {
    case "threshold": return `${r.metric} ${r.aggregate} over ${minutes(r.window_ms)} ${r.comparison} ${r.threshold}`
      + (r.clear === null || r.clear === undefined ? "" : ` (clears at ${r.clear})`);
    case "rate_of_change": return `${r.metric} change/min ${r.comparison} ${r.threshold}`;
    case "utilization": return `utilization ${r.aggregate} over ${minutes(r.window_ms)} ${r.comparison} ${r.threshold}%`;
    case "error_rate": return `errors ${r.aggregate} over ${minutes(r.window_ms)} ${r.comparison} ${r.threshold}/s`;
    case "absence": return `no ${r.metric} for ${minutes(r.window_ms)}`;
    case "flow": return `flows ${r.direction || ""} ${r.prefix || ""} ${r.port ?? ""} > ${r.threshold} B/s`.replace(/\s+/g, " ");
    case "anomaly": return `${r.metric} beyond ${r.deviations} deviations of its baseline`;
    case "top_talker": return `an address above ${r.threshold}% of a link over ${minutes(r.window_ms)}`;
    case "device_reboot": return `sysUpTime went back (within ${minutes(r.window_ms)})`;
    default: return r.kind.replace(/_/g, " ");
  }
}

function scopeText(r) {
  const s = r.scope || {};
  return [s.device && `device ${s.device}`, s.tag && `tag ${s.tag}`, s.interface && `interfaces ${s.interface}`]
    .filter(Boolean).join(", ") || "all devices";
}

function ruleActions(ctx, rule, policies, formHolder) {
  const id = encodeURIComponent(rule.id);
  const actions = h("span", { class: "actions", "data-rule-id": rule.id });
  actions.append(button(rule.enabled ? "Disable" : "Enable", rule.enabled ? "disable" : "enable", async () => {
    try {
      await json(`/alert-rules/${id}`, { method: "PATCH", body: { enabled: !rule.enabled } });
      reload(ctx);
    } catch (error) { ctx.toast(`Failed: ${error.message}`); }
  }), " ");
  actions.append(button("Edit", "edit", () => {
    formHolder.replaceChildren(ruleForm(ctx, rule, policies, (changed) => (changed ? reload(ctx) : formHolder.replaceChildren())));
  }), " ", deleteButton(ctx, `/alert-rules/${id}`));
  return actions;
}

export async function render(ctx) {
  const { root } = ctx;
  document.title = "Alert rules · netmond";
  root.append(h("h1", {}, "Alert rules, channels & escalation"));
  const editor = canEdit(ctx);
  const formHolder = h("div", { class: "rule-form-holder" });

  root.append(ctx.section("Rules", async () => {
    const [rules, policies] = await Promise.all([json("/alert-rules?limit=1000"), json("/alert-policies?limit=1000")]);
    const body = h("div", {});
    if (editor) {
      const add = button("New rule", "new-rule", () => {
        formHolder.replaceChildren(ruleForm(ctx, null, policies.items || [], (changed) => (changed ? reload(ctx) : formHolder.replaceChildren())));
      });
      body.append(h("div", { class: "table-tools" }, add), formHolder);
    }
    const items = rules.items || [];
    if (!items.length) {
      body.append(emptyState("No alert rule yet."));
      return body;
    }
    body.append(dataTable([
      { key: "name", label: "Name", wrap: true },
      { key: "severity", label: "Severity", cell: (r) => statusBadge(r.severity) },
      { key: "condition", label: "Condition", value: conditionText, wrap: true },
      { key: "scope", label: "Scope", value: scopeText, wrap: true },
      { key: "for", label: "For", value: (r) => `${Math.round(r.for_ms / 1000)} s` },
      { key: "policy", label: "Policy", value: (r) => r.policy || "" },
      { key: "enabled", label: "Enabled", value: (r) => (r.enabled ? "yes" : "no") },
      { key: "actions", label: "", value: () => "", cell: (r) => (editor ? ruleActions(ctx, r, policies.items || [], formHolder) : "") },
    ], items, { id: "rules", exportName: "alert-rules" }));
    return body;
  }));

  root.append(h("div", { class: "section" }, channelsSection(ctx, editor)));
  root.append(h("div", { class: "section" }, policiesSection(ctx, editor)));
}
