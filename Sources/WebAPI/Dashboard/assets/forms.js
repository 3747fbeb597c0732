// Small form and action helpers shared by the configuration pages (rules, channels, policies,
// silences): labelled fields, selects, buttons that disable while they work, a two-click delete.

import { h, errorState } from "./dom.js";
import { json } from "./api.js";

/** Whether the signed-in user may change configuration (editor, admin, superadmin). */
export function canEdit(ctx) {
  return ctx.user && (ctx.user.superadmin || ["editor", "admin"].includes(ctx.user.role));
}

/** A labelled input. */
export function field(label, input) {
  return h("label", {}, label, input);
}

/** A `<select name>` of `values` (strings, or [value, label] pairs) with `current` selected. */
export function select(name, values, current) {
  return h("select", { name }, values.map((v) => {
    const [value, label] = Array.isArray(v) ? v : [v, v];
    return h("option", { value, selected: value === current }, label);
  }));
}

/** Draws the current page again from the API (after a change). */
export function reload(ctx) {
  ctx.navigate(window.location.pathname + window.location.search, { replace: true });
}

/** A button that runs `onClick` once at a time. */
export function button(label, action, onClick) {
  const b = h("button", { type: "button", "data-action": action }, label);
  b.addEventListener("click", async () => {
    b.disabled = true;
    try { await onClick(); } finally { b.disabled = false; }
  });
  return b;
}

/** A delete button: the first click arms it, the second sends `DELETE path` and reloads. */
export function deleteButton(ctx, path) {
  const remove = h("button", { type: "button", "data-action": "delete" }, "Delete");
  remove.addEventListener("click", async () => {
    if (remove.dataset.armed !== "1") {
      remove.dataset.armed = "1";
      remove.textContent = "Confirm delete";
      return;
    }
    remove.disabled = true;
    try {
      await json(path, { method: "DELETE" });
      reload(ctx);
    } catch (error) {
      ctx.toast(`Failed: ${error.message}`);
      remove.disabled = false;
    }
  });
  return remove;
}

/** The number in an input, or undefined when it is empty. */
export function numberOf(input) {
  return input.value === "" ? undefined : Number(input.value);
}

/** Wires `form`'s submit to `send()` (which returns the toast text); errors show in `message`. */
export function onSubmit(ctx, form, submit, message, send, done) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      ctx.toast(await send());
      done(true);
    } catch (error) {
      message.replaceChildren(errorState(error.message));
      submit.disabled = false;
    }
  });
}
