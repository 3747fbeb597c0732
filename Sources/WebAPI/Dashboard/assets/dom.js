// Element builders. Text always goes in through text nodes (never parsed as HTML), so device-supplied
// strings (sysDescr, ifAlias, hostnames) cannot become markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h("td", {class: "num"}, "text", otherNode). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element with attributes (and optional text). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A muted "nothing here" line, or a red error line. */
export function emptyState(text) {
  return h("p", { class: "state", "data-state": "empty" }, text);
}

export function errorState(text) {
  return h("p", { class: "state error", role: "alert", "data-state": "error" }, text);
}

export function loadingState() {
  return h("p", { class: "state", "data-state": "loading" }, "Loading…");
}

/** A titled panel; `tools` go right of the title. */
export function panel(title, body, tools) {
  return h("section", { class: "panel" },
    h("div", { class: "panel-head" }, h("h2", {}, title), tools || null),
    body);
}

/** A definition list from [label, value] pairs, skipping empty values. */
export function keyValues(pairs) {
  const dl = h("dl", { class: "kv" });
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === "") continue;
    dl.append(h("dt", {}, label), h("dd", {}, value));
  }
  return dl;
}
