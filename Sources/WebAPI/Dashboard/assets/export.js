// CSV and JSON export of exactly what a table or chart shows, made in the browser.

function csvCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  // Quote when needed; prefix a quote to cells a spreadsheet would run as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text from a header row and rows of cells. */
export function toCSV(header, rows) {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** Starts a download of `text` as `filename`. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name stem: "interfaces-2026-11-27T1405". */
export function fileStem(name) {
  const stamp = new Date().toISOString().slice(0, 16).replace(/:/g, "");
  return `${name.replace(/[^A-Za-z0-9_-]+/g, "-")}-${stamp}`;
}

/** "CSV" and "JSON" buttons; `get()` returns {header, rows, objects} at click time. */
export function exportButtons(name, get) {
  const csv = document.createElement("button");
  csv.type = "button";
  csv.textContent = "CSV";
  csv.dataset.export = "csv";
  csv.title = "Download what is shown as CSV";
  csv.addEventListener("click", () => {
    const { header, rows } = get();
    download(`${fileStem(name)}.csv`, toCSV(header, rows), "text/csv");
  });
  const json = document.createElement("button");
  json.type = "button";
  json.textContent = "JSON";
  json.dataset.export = "json";
  json.title = "Download what is shown as JSON";
  json.addEventListener("click", () => {
    const { objects } = get();
    download(`${fileStem(name)}.json`, JSON.stringify(objects, null, 2), "application/json");
  });
  const span = document.createElement("span");
  span.append(csv, " ", json);
  return span;
}
