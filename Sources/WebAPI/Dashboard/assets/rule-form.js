// The alert rule form: every rule kind the API knows, each showing only the fields it uses.
// Sending `kind` makes the API rebuild the whole condition from the form (a field left empty
// takes the API's default), so an edit never keeps a stale field of another kind.

import { h } from "./dom.js";
import { json } from "./api.js";
import { field, select, numberOf, onSubmit } from "./forms.js";

const KINDS = [
  ["threshold", "Threshold on a metric"],
  ["rate_of_change", "Rate of change of a metric"],
  ["utilization", "Interface utilization %"],
  ["error_rate", "Interface error/discard rate"],
  ["absence", "No data for a metric"],
  ["device_unreachable", "Device unreachable"],
  ["interface_down", "Interface down (admin up)"],
  ["device_reboot", "Device reboot"],
  ["flow", "Flow traffic above a rate"],
  ["top_talker", "Top talker share of a link"],
  ["anomaly", "Anomaly against the seasonal baseline"],
];
const AGGREGATES = ["avg", "max", "min", "p95", "last"];
const COMPARISONS = [">", ">=", "<", "<="];
const SEVERITIES = ["info", "warning", "minor", "major", "critical"];
const COMPARED = ["threshold", "rate_of_change", "utilization", "error_rate"];

/** Which condition fields each kind uses (the rest are hidden and not sent). */
const FIELDS = {
  threshold: ["metric", "aggregate", "window", "comparison", "threshold", "clear"],
  rate_of_change: ["metric", "aggregate", "window", "comparison", "threshold", "clear"],
  utilization: ["aggregate", "window", "comparison", "threshold", "clear"],
  error_rate: ["aggregate", "window", "comparison", "threshold", "clear"],
  absence: ["metric", "window"],
  device_unreachable: [],
  interface_down: [],
  device_reboot: ["window"],
  flow: ["direction", "prefix", "port", "protocol", "window", "threshold"],
  top_talker: ["window", "threshold", "clear"],
  anomaly: ["metric", "window", "period", "seasons", "deviations"],
};

/** What the threshold means for each kind (its label). */
const THRESHOLD_LABEL = {
  utilization: "Threshold (%)", error_rate: "Threshold (/s)", flow: "Threshold (B/s)", top_talker: "Share of link (%)",
};

const minutes = (ms, fallback) => (ms === null || ms === undefined ? fallback : Math.round(ms / 60000));

/** The form of a rule: a new one, or `rule` to edit; `done(changed)` closes it. */
export function ruleForm(ctx, rule, policies, done) {
  const r = rule || { kind: "threshold", aggregate: "avg", comparison: ">", window_ms: 300000, for_ms: 0, severity: "warning", enabled: true, scope: {} };
  const scope = r.scope || {};
  const inputs = {
    name: h("input", { name: "name", required: true, maxlength: 100, value: r.name || "" }),
    kind: select("kind", KINDS, r.kind),
    metric: h("input", { name: "metric", maxlength: 64, value: r.metric || "", placeholder: "cpu_load_percent" }),
    aggregate: select("aggregate", AGGREGATES, r.aggregate || "avg"),
    window: h("input", { name: "window", type: "number", min: 1, max: 44640, value: minutes(r.window_ms, "") }),
    comparison: select("comparison", COMPARISONS, r.comparison || ">"),
    threshold: h("input", { name: "threshold", type: "number", step: "any", value: r.threshold ?? "" }),
    clear: h("input", { name: "clear", type: "number", step: "any", value: r.clear ?? "" }),
    direction: select("direction", ["either", "to", "from"], r.direction || "either"),
    prefix: h("input", { name: "prefix", maxlength: 64, value: r.prefix || "", placeholder: "192.0.2.0/24" }),
    port: h("input", { name: "port", type: "number", min: 0, max: 65535, value: r.port ?? "" }),
    protocol: h("input", { name: "protocol", type: "number", min: 0, max: 255, value: r.protocol ?? "", placeholder: "6" }),
    period: h("input", { name: "period", type: "number", min: 1, max: 44640, value: minutes(r.period_ms, ""), placeholder: "1440" }),
    seasons: h("input", { name: "seasons", type: "number", min: 2, max: 60, value: r.seasons ?? "", placeholder: "7" }),
    deviations: h("input", { name: "deviations", type: "number", step: "any", min: 0, value: r.deviations ?? "", placeholder: "3" }),
    for: h("input", { name: "for", type: "number", min: 0, max: 10080, value: minutes(r.for_ms, 0) }),
    severity: select("severity", SEVERITIES, r.severity),
    device: h("input", { name: "device", maxlength: 128, value: scope.device || "" }),
    tag: h("input", { name: "tag", maxlength: 128, value: scope.tag || "" }),
    interface: h("input", { name: "interface", maxlength: 128, value: scope.interface || "", placeholder: "ge-0/0/*" }),
    policy: select("policy", [""].concat(policies.map((p) => p.name)), r.policy || ""),
    enabled: h("input", { name: "enabled", type: "checkbox", checked: r.enabled !== false }),
  };
  const labels = {
    metric: field("Metric", inputs.metric), aggregate: field("Aggregate", inputs.aggregate),
    window: field("Window (min)", inputs.window), comparison: field("Comparison", inputs.comparison),
    threshold: field("Threshold", inputs.threshold), clear: field("Clear at", inputs.clear),
    direction: field("Direction", inputs.direction), prefix: field("Address/prefix", inputs.prefix),
    port: field("Port", inputs.port), protocol: field("Protocol", inputs.protocol),
    period: field("Season (min)", inputs.period), seasons: field("Seasons", inputs.seasons),
    deviations: field("Deviations", inputs.deviations),
  };
  const show = () => {
    const used = FIELDS[inputs.kind.value] || [];
    for (const [name, label] of Object.entries(labels)) label.hidden = !used.includes(name);
    labels.threshold.firstChild.textContent = THRESHOLD_LABEL[inputs.kind.value] || "Threshold";
    inputs.metric.required = used.includes("metric");
    inputs.threshold.required = COMPARED.includes(inputs.kind.value) || ["flow", "top_talker"].includes(inputs.kind.value);
  };
  inputs.kind.addEventListener("change", show);
  show();

  const message = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary", "data-action": "save-rule" }, rule ? "Save rule" : "Create rule");
  const cancel = h("button", { type: "button", class: "ghost" }, "Cancel");
  cancel.addEventListener("click", () => done(false));
  const form = h("form", { class: "filters rule-form", "data-form": "rule" },
    field("Name", inputs.name), field("Kind", inputs.kind), Object.values(labels),
    field("For (min)", inputs.for), field("Severity", inputs.severity),
    field("Device", inputs.device), field("Tag", inputs.tag), field("Interfaces", inputs.interface),
    field("Policy", inputs.policy), field("Enabled", inputs.enabled), submit, cancel, message);

  onSubmit(ctx, form, submit, message, async () => {
    const kind = inputs.kind.value;
    const used = FIELDS[kind] || [];
    const take = (name, value) => (used.includes(name) ? value : undefined);
    const msOf = (input) => (numberOf(input) === undefined ? undefined : numberOf(input) * 60000);
    const body = {
      name: inputs.name.value.trim(), kind, severity: inputs.severity.value, enabled: inputs.enabled.checked,
      for_ms: (numberOf(inputs.for) || 0) * 60000, policy: inputs.policy.value,
      metric: take("metric", inputs.metric.value.trim()),
      aggregate: take("aggregate", inputs.aggregate.value), window_ms: take("window", msOf(inputs.window)),
      comparison: take("comparison", inputs.comparison.value), threshold: take("threshold", numberOf(inputs.threshold)),
      clear: take("clear", numberOf(inputs.clear)), direction: take("direction", inputs.direction.value),
      prefix: take("prefix", inputs.prefix.value.trim() || undefined), port: take("port", numberOf(inputs.port)),
      protocol: take("protocol", numberOf(inputs.protocol)), period_ms: take("period", msOf(inputs.period)),
      seasons: take("seasons", numberOf(inputs.seasons)), deviations: take("deviations", numberOf(inputs.deviations)),
      scope: { device: inputs.device.value.trim(), tag: inputs.tag.value.trim(), interface: inputs.interface.value.trim() },
    };
    if (rule) await json(`/alert-rules/${encodeURIComponent(rule.id)}`, { method: "PATCH", body });
    else await json("/alert-rules", { method: "POST", body });
    return rule ? "Rule saved" : "Rule created";
  }, done);
  return form;
}
