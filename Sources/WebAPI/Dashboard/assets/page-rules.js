// Alert rules (list, create/edit/delete a threshold rule, enable/disable) and notification
// channels (list, send a test notification). Editors change; viewers only read.

import { h, emptyState, errorState } from "./dom.js";
import { json } from "./api.js";
import { dataTable } from "./table.js";
import { statusBadge } from "./common.js";

const AGGREGATES = ["avg", "max", "min", "p95", "last"];
const COMPARISONS = [">", ">=", "<", "<="];
const SEVERITIES = ["info", "warning", "minor", "major", "critical"];

function canEdit(ctx) {
  return ctx.user && (ctx.user.superadmin || ["editor", "admin"].includes(ctx.user.role));
}

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
    default: return r.kind.replace(/_/g, " ");
  }
}

function scopeText(r) {
  const s = r.scope || {};
  return [s.device && `device ${s.device}`, s.tag && `tag ${s.tag}`, s.interface && `interfaces ${s.interface}`]
    .filter(Boolean).join(", ") || "all devices";
}

function field(label, input) {
  return h("label", {}, label, input);
}

function select(name, values, current) {
  return h("select", { name }, values.map((v) => h("option", { value: v, selected: v === current }, v)));
}

/** The form of a threshold rule: a new one, or `rule` to edit. */
function ruleForm(ctx, rule, policies, done) {
  const r = rule || { aggregate: "avg", comparison: ">", window_ms: 300000, for_ms: 0, severity: "warning", enabled: true, scope: {} };
  const inputs = {
    name: h("input", { name: "name", required: true, maxlength: 100, value: r.name || "" }),
    metric: h("input", { name: "metric", required: true, maxlength: 64, value: r.metric || "", placeholder: "cpu_load_percent" }),
    aggregate: select("aggregate", AGGREGATES, r.aggregate),
    window: h("input", { name: "window", type: "number", min: 1, max: 44640, required: true, value: Math.round((r.window_ms || 300000) / 60000) }),
    comparison: select("comparison", COMPARISONS, r.comparison),
    threshold: h("input", { name: "threshold", type: "number", step: "any", required: true, value: r.threshold ?? "" }),
    clear: h("input", { name: "clear", type: "number", step: "any", value: r.clear ?? "" }),
    for: h("input", { name: "for", type: "number", min: 0, max: 10080, value: Math.round((r.for_ms || 0) / 60000) }),
    severity: select("severity", SEVERITIES, r.severity),
    device: h("input", { name: "device", maxlength: 128, value: (r.scope || {}).device || "" }),
    tag: h("input", { name: "tag", maxlength: 128, value: (r.scope || {}).tag || "" }),
    interface: h("input", { name: "interface", maxlength: 128, value: (r.scope || {}).interface || "", placeholder: "ge-0/0/*" }),
    policy: select("policy", [""].concat(policies.map((p) => p.name)), r.policy || ""),
    enabled: h("input", { name: "enabled", type: "checkbox", checked: r.enabled !== false }),
  };
  const message = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary", "data-action": "save-rule" }, rule ? "Save rule" : "Create rule");
  const cancel = h("button", { type: "button", class: "ghost" }, "Cancel");
  const form = h("form", { class: "filters rule-form", "data-form": "rule" },
    field("Name", inputs.name), field("Metric", inputs.metric), field("Aggregate", inputs.aggregate),
    field("Window (min)", inputs.window), field("Comparison", inputs.comparison), field("Threshold", inputs.threshold),
    field("Clear at", inputs.clear), field("For (min)", inputs.for), field("Severity", inputs.severity),
    field("Device", inputs.device), field("Tag", inputs.tag), field("Interfaces", inputs.interface),
    field("Policy", inputs.policy), field("Enabled", inputs.enabled), submit, cancel, message);
  cancel.addEventListener("click", () => done(false));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = (input) => (input.value === "" ? undefined : Number(input.value));
    const body = {
      name: inputs.name.value.trim(), kind: "threshold", metric: inputs.metric.value.trim(),
      aggregate: inputs.aggregate.value, window_ms: number(inputs.window) * 60000, comparison: inputs.comparison.value,
      threshold: number(inputs.threshold), clear: number(inputs.clear), for_ms: (number(inputs.for) || 0) * 60000,
      severity: inputs.severity.value, enabled: inputs.enabled.checked, policy: inputs.policy.value,
      scope: { device: inputs.device.value.trim(), tag: inputs.tag.value.trim(), interface: inputs.interface.value.trim() },
    };
    submit.disabled = true;
    try {
      if (rule) await json(`/alert-rules/${encodeURIComponent(rule.id)}`, { method: "PATCH", body });
      else await json("/alert-rules", { method: "POST", body });
      ctx.toast(rule ? "Rule saved" : "Rule created");
      done(true);
    } catch (error) {
      message.replaceChildren(errorState(error.message));
      submit.disabled = false;
    }
  });
  return form;
}

function reload(ctx) {
  ctx.navigate(window.location.pathname + window.location.search, { replace: true });
}

function button(label, action, onClick) {
  const b = h("button", { type: "button", "data-action": action }, label);
  b.addEventListener("click", async () => {
    b.disabled = true;
    try { await onClick(); } finally { b.disabled = false; }
  });
  return b;
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
  if (rule.kind === "threshold") {
    actions.append(button("Edit", "edit", () => {
      formHolder.replaceChildren(ruleForm(ctx, rule, policies, (changed) => (changed ? reload(ctx) : formHolder.replaceChildren())));
    }), " ");
  }
  // Two clicks, no dialog: the first arms the button.
  const remove = h("button", { type: "button", "data-action": "delete" }, "Delete");
  remove.addEventListener("click", async () => {
    if (remove.dataset.armed !== "1") {
      remove.dataset.armed = "1";
      remove.textContent = "Confirm delete";
      return;
    }
    remove.disabled = true;
    try {
      await json(`/alert-rules/${id}`, { method: "DELETE" });
      reload(ctx);
    } catch (error) {
      ctx.toast(`Failed: ${error.message}`);
      remove.disabled = false;
    }
  });
  actions.append(remove);
  return actions;
}

export async function render(ctx) {
  const { root } = ctx;
  document.title = "Alert rules · netmond";
  root.append(h("h1", {}, "Alert rules & channels"));
  const editor = canEdit(ctx);
  const formHolder = h("div", { class: "rule-form-holder" });

  root.append(ctx.section("Rules", async () => {
    const [rules, policies] = await Promise.all([json("/alert-rules?limit=1000"), json("/alert-policies?limit=1000")]);
    const body = h("div", {});
    if (editor) {
      const add = button("New threshold rule", "new-rule", () => {
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

  root.append(h("div", { class: "section" }, ctx.section("Channels", async () => {
    const channels = await json("/alert-channels?limit=1000");
    const items = channels.items || [];
    if (!items.length) return emptyState("No notification channel yet.");
    return dataTable([
      { key: "name", label: "Name" },
      { key: "type", label: "Type" },
      { key: "to", label: "Destination", value: (c) => (c.type === "email" ? c.recipients.join(", ") : c.url), wrap: true },
      { key: "signed", label: "Signed", value: (c) => (c.type === "webhook" ? (c.secret_set ? "yes" : "no") : "") },
      { key: "actions", label: "", value: () => "", cell: (c) => (editor ? button("Send test", "test", async () => {
        try {
          await json(`/alert-channels/${encodeURIComponent(c.id)}/test`, { method: "POST" });
          ctx.toast(`Test notification queued for ${c.name}`);
        } catch (error) { ctx.toast(`Failed: ${error.message}`); }
      }) : "") },
    ], items, { id: "channels", exportName: "alert-channels" });
  })));
}
