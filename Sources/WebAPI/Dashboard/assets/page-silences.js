// Silences and maintenance windows: one-off (start, end; in the browser's local time) or weekly
// (weekdays, start and length; in UTC, as the daemon keeps them), by device, tag and/or rule.
// Alerts inside an active silence are recorded but not notified.

import { h, emptyState } from "./dom.js";
import { json } from "./api.js";
import { dataTable } from "./table.js";
import { dateTime } from "./format.js";
import { statusBadge } from "./common.js";
import { canEdit, field, select, button, deleteButton, reload, numberOf, onSubmit } from "./forms.js";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad = (n) => String(n).padStart(2, "0");

/** Epoch milliseconds → the value of a datetime-local input (local time). */
function localInput(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Minutes after UTC midnight → "HH:MM". */
function clock(minute) {
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

function whenText(s) {
  if (s.type === "weekly") {
    const days = s.weekdays.map((d) => WEEKDAYS[d]).join(", ");
    return `every ${days} ${clock(s.start_minute)} UTC for ${s.duration_minutes} min`;
  }
  return `${dateTime(s.start)} → ${dateTime(s.end)}`;
}

function matchText(s) {
  return [s.device && `device ${s.device}`, s.tag && `tag ${s.tag}`, s.rule && `rule ${s.rule}`]
    .filter(Boolean).join(", ") || "everything";
}

/** The silence form: a new silence, or `silence` to edit; `done(changed)` closes it. */
function silenceForm(ctx, silence, done) {
  const s = silence || { type: "once", start: Date.now(), end: Date.now() + 3600000, weekdays: [], start_minute: 0, duration_minutes: 60 };
  const inputs = {
    name: h("input", { name: "name", maxlength: 100, value: s.name || "", placeholder: "maintenance of core-1" }),
    device: h("input", { name: "device", maxlength: 128, value: s.device || "" }),
    tag: h("input", { name: "tag", maxlength: 128, value: s.tag || "" }),
    rule: h("input", { name: "rule", maxlength: 100, value: s.rule || "" }),
    comment: h("input", { name: "comment", maxlength: 500, value: s.comment || "" }),
    type: select("type", [["once", "One-off"], ["weekly", "Weekly"]], s.type),
    start: h("input", { name: "start", type: "datetime-local", value: localInput(s.start ?? Date.now()) }),
    end: h("input", { name: "end", type: "datetime-local", value: localInput(s.end ?? Date.now() + 3600000) }),
    at: h("input", { name: "at", type: "time", value: clock(s.start_minute ?? 0) }),
    duration: h("input", { name: "duration", type: "number", min: 1, max: 10080, value: s.duration_minutes ?? 60 }),
  };
  const days = h("span", { class: "weekdays" }, WEEKDAYS.map((label, day) => h("label", { class: "inline" },
    h("input", { type: "checkbox", name: "weekday", value: day, checked: (s.weekdays || []).includes(day) }), ` ${label}`)));
  const once = [field("Start (local time)", inputs.start), field("End (local time)", inputs.end)];
  const weekly = [h("fieldset", { class: "step" }, h("legend", {}, "Weekdays"), days),
    field("Start (UTC)", inputs.at), field("Duration (min)", inputs.duration)];
  const show = () => {
    for (const el of once) el.hidden = inputs.type.value !== "once";
    for (const el of weekly) el.hidden = inputs.type.value !== "weekly";
  };
  inputs.type.addEventListener("change", show);
  show();

  const message = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary", "data-action": "save-silence" }, silence ? "Save silence" : "Create silence");
  const cancel = h("button", { type: "button", class: "ghost" }, "Cancel");
  cancel.addEventListener("click", () => done(false));
  const form = h("form", { class: "filters silence-form", "data-form": "silence" },
    field("Name", inputs.name), field("Device", inputs.device), field("Tag", inputs.tag), field("Rule", inputs.rule),
    field("Comment", inputs.comment), field("Repeats", inputs.type), once, weekly, submit, cancel, message);
  onSubmit(ctx, form, submit, message, async () => {
    const body = {
      name: inputs.name.value.trim() || undefined, device: inputs.device.value.trim(), tag: inputs.tag.value.trim(),
      rule: inputs.rule.value.trim(), comment: inputs.comment.value.trim(), type: inputs.type.value,
    };
    if (body.type === "once") {
      body.start = new Date(inputs.start.value).getTime();
      body.end = new Date(inputs.end.value).getTime();
      if (!Number.isFinite(body.start) || !Number.isFinite(body.end)) throw new Error("Start and end must be dates.");
    } else {
      const [hours, mins] = (inputs.at.value || "00:00").split(":").map(Number);
      body.weekdays = [...days.querySelectorAll("[name=weekday]:checked")].map((box) => Number(box.value));
      body.start_minute = hours * 60 + mins;
      body.duration_minutes = numberOf(inputs.duration);
    }
    if (silence) await json(`/alert-silences/${encodeURIComponent(silence.id)}`, { method: "PATCH", body });
    else await json("/alert-silences", { method: "POST", body });
    return silence ? "Silence saved" : "Silence created";
  }, done);
  return form;
}

function silenceActions(ctx, silence, open) {
  const id = encodeURIComponent(silence.id);
  const actions = h("span", { class: "actions", "data-silence-id": silence.id });
  if (silence.type === "once" && silence.active) {
    actions.append(button("End now", "end", async () => {
      try {
        await json(`/alert-silences/${id}`, { method: "PATCH", body: { end: Math.max(Date.now(), silence.start + 1) } });
        reload(ctx);
      } catch (error) { ctx.toast(`Failed: ${error.message}`); }
    }), " ");
  }
  actions.append(button("Edit", "edit", () => open(silence)), " ", deleteButton(ctx, `/alert-silences/${id}`));
  return actions;
}

export async function render(ctx) {
  const { root } = ctx;
  document.title = "Silences · netmond";
  root.append(h("h1", {}, "Silences & maintenance"));
  const editor = canEdit(ctx);
  root.append(ctx.section("Silences", async () => {
    const silences = await json("/alert-silences?limit=1000");
    const formHolder = h("div", { class: "rule-form-holder" });
    const open = (silence) => formHolder.replaceChildren(silenceForm(ctx, silence,
      (changed) => (changed ? reload(ctx) : formHolder.replaceChildren())));
    const body = h("div", {});
    if (editor) body.append(h("div", { class: "table-tools" }, button("New silence", "new-silence", () => open(null))), formHolder);
    const items = silences.items || [];
    if (!items.length) {
      body.append(emptyState("No silence: every alert is notified."));
      return body;
    }
    body.append(dataTable([
      { key: "active", label: "Now", value: (s) => (s.active ? "active" : "inactive"), cell: (s) => statusBadge(s.active ? "active" : "inactive") },
      { key: "name", label: "Name", wrap: true },
      { key: "match", label: "Matches", value: matchText, wrap: true },
      { key: "when", label: "When", value: whenText, wrap: true },
      { key: "comment", label: "Comment", wrap: true },
      { key: "created_by", label: "By" },
      { key: "actions", label: "", value: () => "", cell: (s) => (editor ? silenceActions(ctx, s, open) : "") },
    ], items, { id: "silences", exportName: "alert-silences", sort: { key: "active", dir: "asc" } }));
    return body;
  }));
}
