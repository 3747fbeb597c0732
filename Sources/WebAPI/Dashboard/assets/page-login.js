// Login: the API's cookie session (HttpOnly access and refresh cookies, CSRF cookie for mutations).

import { h, errorState } from "./dom.js";
import { ApiError, login } from "./api.js";

function safeNext(next) {
  // Only same-site dashboard paths: never an absolute or protocol-relative URL.
  return next && /^\/ui(\/|$|\?)/.test(next) && !next.startsWith("//") && !next.startsWith("/ui/login") ? next : "/ui/";
}

export async function render(ctx) {
  const params = new URLSearchParams(window.location.search);
  const message = h("div", { "aria-live": "polite" });
  if (params.get("expired")) message.append(h("p", { class: "state warn", "data-state": "expired" }, "Your session expired; please log in again."));
  const username = h("input", { name: "username", id: "login-username", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", { name: "password", id: "login-password", type: "password", autocomplete: "current-password", required: true });
  const button = h("button", { type: "submit", class: "primary", id: "login-submit" }, "Log in");
  const form = h("form", { method: "post", action: "/ui/login" },
    h("label", {}, "Username", username),
    h("label", {}, "Password", password),
    button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.replaceChildren();
    try {
      const result = await login(username.value, password.value);
      ctx.loggedIn(result.user || { username: username.value });
      ctx.navigate(safeNext(params.get("next")), { replace: true });
    } catch (error) {
      const text = error instanceof ApiError
        ? error.status === 401 ? "Wrong username or password." : `${error.message} (${error.code})`
        : "netmond cannot be reached.";
      message.replaceChildren(errorState(text));
      password.value = "";
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  ctx.root.append(h("section", { class: "panel login" }, h("h1", {}, "netmond"), message, form));
  document.title = "Log in · netmond";
}
