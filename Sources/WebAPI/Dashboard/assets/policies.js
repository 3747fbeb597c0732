// Escalation policies on the rules page: ordered steps (after N minutes unacknowledged, notify
// these channels) and a repeat interval; list, create, edit, delete.

import { h, emptyState } from "./dom.js";
import { json } from "./api.js";
import { dataTable } from "./table.js";
import { field, button, deleteButton, reload, numberOf, onSubmit } from "./forms.js";

const MAX_STEPS = 10;

function stepsText(policy) {
  return policy.steps.map((s) => `after ${Math.round(s.after_ms / 60000)} min → ${s.channels.join(", ")}`).join("; ");
}

/** One step's row: minutes after the alert fired, and a checkbox per channel. */
function stepRow(channels, step) {
  const after = h("input", { name: "after", type: "number", min: 0, max: 10080, required: true, value: Math.round((step?.after_ms || 0) / 60000) });
  const boxes = channels.map((c) => h("label", { class: "inline" },
    h("input", { type: "checkbox", name: "channel", value: c.name, checked: (step?.channels || []).includes(c.name) }), ` ${c.name}`));
  const row = h("fieldset", { class: "step", "data-step": "" }, h("legend", {}, "Step"), field("After (min)", after), boxes);
  row.append(button("Remove step", "remove-step", () => row.remove()));
  return row;
}

/** The policy form: a new policy, or `policy` to edit; `done(changed)` closes it. */
function policyForm(ctx, policy, channels, done) {
  const name = h("input", { name: "name", required: true, maxlength: 100, value: policy?.name || "" });
  const repeat = h("input", { name: "repeat", type: "number", min: 0, max: 10080, value: Math.round((policy?.repeat_ms || 0) / 60000) });
  const steps = h("div", { class: "steps" }, (policy?.steps || [{ after_ms: 0, channels: [] }]).map((s) => stepRow(channels, s)));
  const addStep = button("Add step", "add-step", () => {
    if (steps.children.length < MAX_STEPS) steps.append(stepRow(channels, null));
  });
  const message = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary", "data-action": "save-policy" }, policy ? "Save policy" : "Create policy");
  const cancel = h("button", { type: "button", class: "ghost" }, "Cancel");
  cancel.addEventListener("click", () => done(false));
  const form = h("form", { class: "filters policy-form", "data-form": "policy" },
    field("Name", name), field("Repeat every (min, 0 = never)", repeat), steps, addStep, submit, cancel, message);
  onSubmit(ctx, form, submit, message, async () => {
    const body = {
      name: name.value.trim(),
      repeat_ms: (numberOf(repeat) || 0) * 60000,
      steps: [...steps.querySelectorAll("[data-step]")].map((row) => ({
        after_ms: (numberOf(row.querySelector("[name=after]")) || 0) * 60000,
        channels: [...row.querySelectorAll("[name=channel]:checked")].map((box) => box.value),
      })),
    };
    if (policy) await json(`/alert-policies/${encodeURIComponent(policy.id)}`, { method: "PATCH", body });
    else await json("/alert-policies", { method: "POST", body });
    return policy ? "Policy saved" : "Policy created";
  }, done);
  return form;
}

/** The "Escalation policies" panel (`editor`: with the form and row actions). */
export function policiesSection(ctx, editor) {
  return ctx.section("Escalation policies", async () => {
    const [policies, channels] = await Promise.all([json("/alert-policies?limit=1000"), json("/alert-channels?limit=1000")]);
    const channelItems = channels.items || [];
    const formHolder = h("div", { class: "rule-form-holder" });
    const open = (policy) => formHolder.replaceChildren(policyForm(ctx, policy, channelItems,
      (changed) => (changed ? reload(ctx) : formHolder.replaceChildren())));
    const body = h("div", {});
    if (editor) {
      body.append(h("div", { class: "table-tools" }, channelItems.length
        ? button("New policy", "new-policy", () => open(null))
        : "Add a notification channel first: a policy's steps notify channels."), formHolder);
    }
    const items = policies.items || [];
    if (!items.length) {
      body.append(emptyState("No escalation policy yet."));
      return body;
    }
    body.append(dataTable([
      { key: "name", label: "Name", wrap: true },
      { key: "steps", label: "Steps", value: stepsText, wrap: true },
      { key: "repeat", label: "Repeat", value: (p) => (p.repeat_ms ? `every ${Math.round(p.repeat_ms / 60000)} min` : "no") },
      { key: "actions", label: "", value: () => "", cell: (p) => (editor
        ? h("span", { class: "actions", "data-policy-id": p.id },
          button("Edit", "edit", () => open(p)), " ",
          deleteButton(ctx, `/alert-policies/${encodeURIComponent(p.id)}`))
        : "") },
    ], items, { id: "policies", exportName: "alert-policies" }));
    return body;
  });
}
