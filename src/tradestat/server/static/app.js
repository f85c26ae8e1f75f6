// The dashboard: reads the form, asks the JSON API, shows the figure, its warnings and the
// report's charts (Vega-Lite specs rendered by vega-embed, served by this server).
"use strict";

const byId = (id) => document.getElementById(id);

async function api(path, params, options) {
  const url = params ? `${path}?${params}` : path;
  const response = await fetch(url, options);
  const doc = await response.json();
  if (!response.ok) {
    const error = new Error(doc.error || `request failed (${response.status})`);
    error.doc = doc;
    throw error;
  }
  return doc;
}

function option(value, text) {
  const el = document.createElement("option");
  el.value = value;
  el.textContent = text;
  return el;
}

async function loadChoices() {
  const [baskets, reporters] = await Promise.all([
    api("/api/baskets"), api("/api/countries"),
  ]);
  for (const b of baskets.baskets) {
    byId("basket").append(option(b.name, b.name.replaceAll("_", " ")));
    byId("compare").append(option(b.name, b.name.replaceAll("_", " ")));
  }
  for (const r of reporters.reporters) {
    byId("reporters").append(option(r.code, r.name));
  }
}

function whatChanged() {
  const basket = document.querySelector("input[name=what]:checked").value === "basket";
  byId("basket").disabled = !basket;
  byId("product").disabled = basket;
}

function queryParams() {
  const p = new URLSearchParams();
  p.set("reporter", byId("reporter").value.trim());
  p.set("flow", byId("flow").value);
  p.set("period", byId("period").value.trim());
  if (byId("product").disabled) {
    p.set("basket", byId("basket").value);
  } else {
    p.set("product", byId("product").value.trim());
  }
  return p;
}

function showError(box, err, form) {
  box.textContent = err.message;
  box.hidden = false;
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const first = (err.doc && err.doc.errors) ? err.doc.errors[0] : null;
  const field = first && first.parameter ? form.querySelector(`[name="${first.parameter}"]`) : null;
  if (field && !field.disabled) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }
}

function reporterName(code) {
  const known = Array.from(byId("reporters").options).find((o) => o.value === code);
  return known ? known.textContent : code;
}

function showFigure(fig) {
  // the server writes what the figure is of with the product's name (HS 8542 (Electronic
  // integrated circuits)) and the span in words, as the report does
  const product = fig.query.product;
  const what = fig.display.what || (product.kind === "code" ? `HS ${product.label}`
    : product.kind === "total" ? "all products" : product.label.replaceAll("_", " "));
  const span = fig.display.span || fig.period.label;
  byId("headline-title").textContent =
    `${reporterName(fig.query.reporter)}: ${fig.query.flow}s of ${what}, ${span}`;
  byId("sentence").textContent = fig.display.sentence || "";
  const value = byId("value");
  value.textContent = fig.display.value;
  value.dataset.value = fig.value === null ? "" : String(fig.value);
  value.dataset.currency = fig.currency;
  byId("yoy").textContent = fig.yoy_pct === null ? "(no year-on-year change: see the warnings)"
    : `${fig.display.yoy} on ${fig.display.previous_span || fig.previous.period.label}`;
  const exact = fig.value === null ? "no data"
    : `${fig.value.toLocaleString("en")} ${fig.currency}`;
  byId("detail").textContent = `Exact value: ${exact}; a year earlier: ${fig.display.previous}`
    + (fig.basis ? `; basis: ${fig.basis}` : "") + ".";
  const list = byId("warnings");
  list.replaceChildren();
  fig.warnings.forEach((w, i) => {
    const li = document.createElement("li");
    li.textContent = fig.display.warnings ? fig.display.warnings[i] : w.message;
    li.dataset.code = w.code;
    list.append(li);
  });
  byId("warnings-box").hidden = fig.warnings.length === 0;
  showNearby(fig.nearby);
  byId("result").hidden = false;
}

// "No data": what the store holds nearby, and the closest question as a button that asks it.
function showNearby(near) {
  const box = byId("nearby");
  box.replaceChildren();
  box.hidden = !near;
  if (!near) return;
  for (const line of near.lines) {
    const p = document.createElement("p");
    p.textContent = line;
    box.append(p);
  }
  const options = near.suggestion ? near.suggestion.options : {};
  const fields = Object.keys(options).filter((k) => byId(k));
  if (!fields.length) return;
  const button = document.createElement("button");
  button.type = "button";
  button.id = "try-nearby";
  button.textContent = `Ask that instead (${fields.map((k) => `${k} ${options[k]}`).join(", ")})`;
  button.addEventListener("click", () => {
    for (const k of fields) byId(k).value = options[k];
    byId("query").requestSubmit();
  });
  box.append(button);
}

async function drawChart(kind, params, box) {
  box.replaceChildren();
  box.closest("figure").hidden = false;
  try {
    const doc = await api(`/api/chart/${kind}`, params);
    if (!doc.drawn) {  // no marks: one line says why, instead of an empty frame
      const note = document.createElement("p");
      note.className = "no-chart";
      note.textContent = `No chart: ${doc.why}.`;
      box.append(note);
      box.dataset.ready = "empty";
      return;
    }
    const spec = { ...doc.spec, width: "container", autosize: { type: "fit", contains: "padding" } };
    await window.vegaEmbed(box, spec, { actions: false, renderer: "svg" });
    box.dataset.ready = "true";
  } catch (err) {
    box.textContent = `No chart: ${err.message}`;
    box.dataset.ready = "error";
  }
}

function drawCharts(params) {
  const main = params.get("basket");
  const compare = Array.from(byId("compare").selectedOptions, (o) => o.value)
    .filter((name) => name !== main);
  const comparison = new URLSearchParams(params);
  for (const name of compare) comparison.append("compare", name);
  const charts = [
    drawChart("monthly", params, byId("chart-monthly")),
    drawChart("ranking", params, byId("chart-ranking")),
  ];
  if (compare.length) {
    charts.push(drawChart("comparison", comparison, byId("chart-comparison")));
  } else {
    byId("chart-comparison").closest("figure").hidden = true;
  }
  return Promise.all(charts);
}

// What was asked, as the page's own URL: a link to it shows the same view.
function viewParams(params) {
  const view = new URLSearchParams(params);
  for (const o of byId("compare").selectedOptions) view.append("compare", o.value);
  return view;
}

function remember(params) {
  const search = `?${viewParams(params)}`;
  if (window.location.search !== search) window.history.pushState(null, "", search);
}

// The form filled from the URL's query; true when it holds a question to ask.
function restore() {
  const view = new URLSearchParams(window.location.search);
  if (!view.get("reporter") || !view.get("period")) return false;
  byId("reporter").value = view.get("reporter");
  byId("flow").value = view.get("flow") || "export";
  byId("period").value = view.get("period");
  const basket = !view.get("product");
  byId(basket ? "what-basket" : "what-product").checked = true;
  whatChanged();
  if (basket) byId("basket").value = view.get("basket") || byId("basket").value;
  else byId("product").value = view.get("product");
  const compare = new Set(view.getAll("compare"));
  for (const o of byId("compare").options) o.selected = compare.has(o.value);
  return true;
}

// A failed question leaves nothing of the previous answer on screen.
function clearFigure() {
  byId("result").hidden = true;
  for (const id of ["value", "yoy", "detail", "headline-title", "sentence"]) {
    byId(id).textContent = "";
  }
  delete byId("value").dataset.value;
  byId("warnings").replaceChildren();
  for (const box of document.querySelectorAll(".chart")) {
    box.replaceChildren();
    delete box.dataset.ready;
  }
}

async function ask(params) {
  const form = byId("query");
  byId("error").hidden = true;
  form.setAttribute("aria-busy", "true");
  try {
    const fig = await api("/api/figure", params);
    showFigure(fig);
    await drawCharts(params);
  } catch (err) {
    clearFigure();
    showError(byId("error"), err, form);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

async function onQuery(event) {
  event.preventDefault();
  const params = queryParams();
  remember(params);
  await ask(params);
}

function onHistory() {
  if (restore()) ask(queryParams());
}

function verdictItem(claim) {
  const item = document.createElement("article");
  item.className = `verdict verdict-${claim.verdict}`;
  const head = document.createElement("h3");
  head.textContent = String(claim.verdict).replaceAll("_", " ").replaceAll("-", " ");
  const text = document.createElement("p");
  text.textContent = `“${claim.text}”`;
  item.append(head, text);
  const why = claim.explanation || claim.reason || claim.message || claim.note;
  if (why) {
    const p = document.createElement("p");
    p.textContent = why;
    item.append(p);
  }
  return item;
}

async function onCheck(event) {
  event.preventDefault();
  const box = byId("verdicts");
  byId("check-error").hidden = true;
  box.replaceChildren();
  try {
    const doc = await api("/api/check", null, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: byId("claim").value }),
    });
    if (!doc.claims.length) box.textContent = "No figure found in the text to check.";
    for (const claim of doc.claims) box.append(verdictItem(claim));
  } catch (err) {
    showError(byId("check-error"), err, byId("check"));
  }
}

// The reading a question was given, in words: "reporter CHN, flow export, period 2024".
function readingWords(reading) {
  return Object.entries(reading || {})
    .filter(([key, value]) => value !== null && key !== "product_said")
    .map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(", ") : value}`)
    .join("; ");
}

function note(text, className) {
  const li = document.createElement("li");
  li.textContent = text;
  if (className) li.className = className;
  return li;
}

function showAnswer(doc) {
  byId("ask-answer").textContent = doc.answer;
  byId("ask-answer").dataset.value = doc.value === null ? "" : String(doc.value);
  byId("ask-reading").textContent = `Read as: ${readingWords(doc.reading)}.`;
  byId("ask-notes").replaceChildren(
    ...doc.considered.map((c) => note(`Also considered: ${c}`)),
    ...doc.warnings.map((w) => note(w.message, "warning")));
  byId("asked").hidden = false;
}

async function onAsk(event) {
  event.preventDefault();
  const form = byId("ask");
  byId("ask-error").hidden = true;
  byId("asked").hidden = true;
  form.setAttribute("aria-busy", "true");
  try {
    const doc = await api("/api/ask", new URLSearchParams({ q: byId("question").value }));
    showAnswer(doc);
  } catch (err) {
    showError(byId("ask-error"), err, form);
    const reading = err.doc && err.doc.reading;
    if (reading) byId("ask-error").textContent += ` (read so far: ${readingWords(reading)})`;
  } finally {
    form.removeAttribute("aria-busy");
  }
}

function claimKeys(event) {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    byId("check").requestSubmit();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const radio of document.querySelectorAll("input[name=what]")) {
    radio.addEventListener("change", whatChanged);
  }
  byId("query").addEventListener("submit", onQuery);
  byId("check").addEventListener("submit", onCheck);
  byId("ask").addEventListener("submit", onAsk);
  byId("claim").addEventListener("keydown", claimKeys);
  window.addEventListener("popstate", onHistory);
  whatChanged();
  loadChoices().then(onHistory)
    .catch((err) => showError(byId("error"), err, byId("query")));
});
