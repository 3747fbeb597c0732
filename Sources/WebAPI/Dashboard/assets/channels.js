// Notification channels on the rules page: webhook, Slack, Teams and email; list, create, edit,
// delete, send a test. Secrets are write-only: the API never returns a webhook's secret, nor the
// path of a Slack/Teams URL, so the form leaves them unchanged unless something is typed.

import { h, emptyState } from "./dom.js";
import { json } from "./api.js";
import { dataTable } from "./table.js";
import { field, select, button, deleteButton, reload, onSubmit } from "./forms.js";

const TYPES = ["webhook", "slack", "teams", "email"];
const hiddenURL = (type) => type === "slack" || type === "teams";

/** The channel form: a new channel, or `channel` to edit; `done(changed)` closes it. */
function channelForm(ctx, channel, done) {
  const c = channel || { type: "webhook", recipients: [] };
  const inputs = {
    name: h("input", { name: "name", required: true, maxlength: 100, value: c.name || "" }),
    type: select("type", TYPES, c.type),
    url: h("input", { name: "url", type: "url", maxlength: 2048, value: channel && !hiddenURL(c.type) ? c.url : "",
      placeholder: channel ? "unchanged" : "https://hooks.example.net/netmond" }),
    secret: h("input", { name: "secret", type: "password", maxlength: 256, autocomplete: "new-password",
      placeholder: c.secret_set ? "unchanged (set)" : "none" }),
    removeSecret: h("input", { name: "remove-secret", type: "checkbox" }),
    recipients: h("input", { name: "recipients", maxlength: 4096, value: (c.recipients || []).join(", "), placeholder: "noc@example.net" }),
    subject: h("input", { name: "subject_template", maxlength: 16384, value: c.subject_template || "", placeholder: "default" }),
    body: h("textarea", { name: "body_template", rows: 3, maxlength: 16384, placeholder: "default" }, c.body_template || ""),
  };
  const web = [field("URL", inputs.url)];
  const signed = [field("HMAC secret", inputs.secret)].concat(c.secret_set ? [field("Remove secret", inputs.removeSecret)] : []);
  const mail = [field("Recipients (comma separated)", inputs.recipients), field("Subject template", inputs.subject)];
  const show = () => {
    const type = inputs.type.value;
    for (const el of web) el.hidden = type === "email";
    for (const el of signed) el.hidden = type !== "webhook";
    for (const el of mail) el.hidden = type !== "email";
    inputs.url.required = type !== "email" && !channel;
  };
  inputs.type.addEventListener("change", show);
  show();

  const message = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary", "data-action": "save-channel" }, channel ? "Save channel" : "Create channel");
  const cancel = h("button", { type: "button", class: "ghost" }, "Cancel");
  cancel.addEventListener("click", () => done(false));
  const form = h("form", { class: "filters channel-form", "data-form": "channel" },
    field("Name", inputs.name), field("Type", inputs.type), web, signed, mail,
    field("Body template (mustache)", inputs.body), submit, cancel, message);
  onSubmit(ctx, form, submit, message, async () => {
    const type = inputs.type.value;
    const body = { name: inputs.name.value.trim(), type, body_template: inputs.body.value };
    if (type !== "email" && inputs.url.value.trim()) body.url = inputs.url.value.trim();
    if (type === "webhook" && inputs.secret.value) body.secret = inputs.secret.value;
    if (type === "webhook" && inputs.removeSecret.checked) body.secret = "";
    if (type === "email") {
      body.recipients = inputs.recipients.value.split(",").map((r) => r.trim()).filter(Boolean);
      body.subject_template = inputs.subject.value;
    }
    if (channel) await json(`/alert-channels/${encodeURIComponent(channel.id)}`, { method: "PATCH", body });
    else await json("/alert-channels", { method: "POST", body });
    return channel ? "Channel saved" : "Channel created";
  }, done);
  return form;
}

function channelActions(ctx, channel, open) {
  const id = encodeURIComponent(channel.id);
  return h("span", { class: "actions", "data-channel-id": channel.id },
    button("Send test", "test", async () => {
      try {
        await json(`/alert-channels/${id}/test`, { method: "POST" });
        ctx.toast(`Test notification queued for ${channel.name}`);
      } catch (error) { ctx.toast(`Failed: ${error.message}`); }
    }), " ",
    button("Edit", "edit", () => open(channel)), " ",
    deleteButton(ctx, `/alert-channels/${id}`));
}

/** The "Channels" panel (`editor`: with the form and row actions). */
export function channelsSection(ctx, editor) {
  return ctx.section("Channels", async () => {
    const channels = await json("/alert-channels?limit=1000");
    const formHolder = h("div", { class: "rule-form-holder" });
    const open = (channel) => formHolder.replaceChildren(channelForm(ctx, channel,
      (changed) => (changed ? reload(ctx) : formHolder.replaceChildren())));
    const body = h("div", {});
    if (editor) body.append(h("div", { class: "table-tools" }, button("New channel", "new-channel", () => open(null))), formHolder);
    const items = channels.items || [];
    if (!items.length) {
      body.append(emptyState("No notification channel yet."));
      return body;
    }
    body.append(dataTable([
      { key: "name", label: "Name" },
      { key: "type", label: "Type" },
      { key: "to", label: "Destination", value: (c) => (c.type === "email" ? c.recipients.join(", ") : c.url), wrap: true },
      { key: "signed", label: "Signed", value: (c) => (c.type === "webhook" ? (c.secret_set ? "yes" : "no") : "") },
      { key: "actions", label: "", value: () => "", cell: (c) => (editor ? channelActions(ctx, c, open) : "") },
    ], items, { id: "channels", exportName: "alert-channels" }));
    return body;
  });
}
