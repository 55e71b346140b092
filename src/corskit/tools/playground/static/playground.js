// corskit playground: the page (origin A). No framework, no network but our two origins.
// Every text from the API or the setup is shown with textContent, never parsed as HTML.

const $ = (id) => document.getElementById(id);
const PAGE = "$PAGE"; // the page's origin in links: the port changes from one playground to the next
const MAX_HASH = 16384;

let info = null; // {page, api, browsers: [{name, label}], stacks}
let state = null; // {api: {...}, fetch: {...}}
let last = null; // the last report

// --- state <-> form ---------------------------------------------------------------------------------------------

function defaults() {
  return {
    api: {
      mode: "policy",
      policy: {
        allow_origins: [info.page], allow_methods: ["PUT"], allow_headers: [], allow_credentials: false,
        expose_headers: [], max_age: null,
      },
      preflight: { status: 204, headers: [["Access-Control-Allow-Origin", info.page], ["Access-Control-Allow-Methods", "PUT"]] },
      actual: { status: 200, headers: [["Access-Control-Allow-Origin", info.page]] },
      redirect: null,
    },
    fetch: { method: "GET", headers: [], credentials: "same-origin", mode: "cors", redirect: "follow", twice: false },
  };
}

const list = (text, sep) => text.split(sep).map((s) => s.trim()).filter((s) => s);
const lines = (pairs) => pairs.map(([n, v]) => `${n}: ${v}`).join("\n");

function pairs(text) {
  return text.split("\n").filter((l) => l.trim()).map((line) => {
    const at = line.indexOf(":");
    return at < 0 ? [line.trim(), ""] : [line.slice(0, at).trim(), line.slice(at + 1).replace(/^[ \t]+/, "")];
  });
}

function toForm(s) {
  const p = s.api.policy;
  $("allow-origins").value = p.allow_origins.join("\n");
  $("allow-methods").value = p.allow_methods.join(", ");
  $("allow-headers").value = p.allow_headers.join(", ");
  $("allow-credentials").checked = p.allow_credentials;
  $("expose-headers").value = p.expose_headers.join(", ");
  $("max-age").value = p.max_age === null ? "" : String(p.max_age);
  $("raw-preflight-status").value = String(s.api.preflight.status);
  $("raw-preflight-headers").value = lines(s.api.preflight.headers);
  $("raw-actual-status").value = String(s.api.actual.status);
  $("raw-actual-headers").value = lines(s.api.actual.headers);
  $("api-redirect").value = s.api.redirect === null ? "" : String(s.api.redirect);
  $("method").value = s.fetch.method;
  $("headers").value = lines(s.fetch.headers);
  $("credentials").value = s.fetch.credentials;
  $("mode").value = s.fetch.mode;
  $("redirect").value = s.fetch.redirect;
  $("twice").checked = s.fetch.twice;
  showMode(s.api.mode);
}

function fromForm() {
  const num = (id, fallback) => { const v = $(id).value.trim(); return v === "" ? fallback : Number(v); };
  return {
    api: {
      mode: $("mode-raw").getAttribute("aria-selected") === "true" ? "raw" : "policy",
      policy: {
        allow_origins: list($("allow-origins").value, /[\n,]/),
        allow_methods: list($("allow-methods").value, ","),
        allow_headers: list($("allow-headers").value, ","),
        allow_credentials: $("allow-credentials").checked,
        expose_headers: list($("expose-headers").value, ","),
        max_age: num("max-age", null),
      },
      preflight: { status: num("raw-preflight-status", 204), headers: pairs($("raw-preflight-headers").value) },
      actual: { status: num("raw-actual-status", 200), headers: pairs($("raw-actual-headers").value) },
      redirect: $("api-redirect").value === "" ? null : Number($("api-redirect").value),
    },
    fetch: {
      method: $("method").value.trim() || "GET",
      headers: pairs($("headers").value),
      credentials: $("credentials").value,
      mode: $("mode").value,
      redirect: $("redirect").value,
      twice: $("twice").checked,
    },
  };
}

function showMode(mode) {
  $("mode-policy").setAttribute("aria-selected", String(mode === "policy"));
  $("mode-raw").setAttribute("aria-selected", String(mode === "raw"));
  $("policy-form").hidden = mode !== "policy";
  $("raw-form").hidden = mode !== "raw";
}

// The whole setup lives in the address bar: #s=<base64url of the JSON>, with the page origin written $PAGE.
function swapOrigin(value, from, to) {
  if (typeof value === "string") return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => swapOrigin(v, from, to));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swapOrigin(v, from, to)]));
  }
  return value;
}

function encodeState(s) {
  const bytes = new TextEncoder().encode(JSON.stringify(swapOrigin(s, info.page, PAGE)));
  let text = "";
  bytes.forEach((b) => { text += String.fromCharCode(b); });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeState(hash) {
  const match = /^#s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!match || hash.length > MAX_HASH) return null;
  try {
    const text = atob(match[1].replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const s = swapOrigin(JSON.parse(new TextDecoder().decode(bytes)), PAGE, info.page);
    const base = defaults();
    return {
      api: { ...base.api, ...(s.api || {}), policy: { ...base.api.policy, ...((s.api || {}).policy || {}) } },
      fetch: { ...base.fetch, ...(s.fetch || {}) },
    };
  } catch (error) {
    return null;
  }
}

function saveState() {
  state = fromForm();
  history.replaceState(null, "", `#s=${encodeState(state)}`);
  $("code").textContent = fetchCode(state.fetch);
}

function loadState() {
  const fromHash = location.hash ? decodeState(location.hash) : null;
  if (location.hash && !fromHash) showError("The link's setup could not be read: starting from the defaults.");
  state = fromHash || defaults();
  toForm(state);
  try { saveState(); } catch (error) { showError(String(error)); }
}

// --- the fetch --------------------------------------------------------------------------------------------------

function init(f) {
  return { method: f.method, headers: f.headers, credentials: f.credentials, mode: f.mode, redirect: f.redirect };
}

function fetchCode(f) {
  const options = [];
  if (f.method !== "GET") options.push(`method: ${JSON.stringify(f.method)}`);
  if (f.headers.length) options.push(`headers: ${JSON.stringify(f.headers)}`);
  for (const [key, value, fallback] of [["credentials", f.credentials, "same-origin"], ["mode", f.mode, "cors"], ["redirect", f.redirect, "follow"]]) {
    if (value !== fallback) options.push(`${key}: ${JSON.stringify(value)}`);
  }
  const call = `fetch(${JSON.stringify(info.api + "/r/…/start")}${options.length ? `, {\n  ${options.join(",\n  ")}\n}` : ""})`;
  return f.twice ? `${call};\n${call}; // again` : `${call};`;
}

async function realRun(url, f) {
  try {
    const response = await fetch(url, init(f));
    return { ok: true, status: response.status, type: response.type, headers: [...response.headers] };
  } catch (error) {
    return { ok: false, error: `${error.name}: ${error.message}` };
  }
}

function ownBrowser() {
  const ua = navigator.userAgent;
  if (/Firefox\//.test(ua)) return "firefox";
  if (/Safari\//.test(ua) && !/(Chrome|Chromium|Edg)\//.test(ua)) return "webkit";
  return "chromium";
}

async function run() {
  showError("");
  saveState();
  const button = $("run");
  button.disabled = true;
  $("results").dataset.state = "running";
  try {
    const answer = await fetch("/api/runs", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: state }),
    });
    const report = await answer.json();
    if (!answer.ok) {
      showError(report.error || `the playground answered ${answer.status}`);
      $("results").dataset.state = "error";
      return;
    }
    const real = [];
    for (let i = 0; i < (state.fetch.twice ? 2 : 1); i++) real.push(await realRun(report.url, state.fetch));
    const seen = (await (await fetch(`/api/runs/${report.id}`)).json()).seen || [];
    last = report;
    show(report, real, seen);
  } catch (error) {
    showError(`The playground did not answer: ${error}`);
    $("results").dataset.state = "error";
  } finally {
    button.disabled = false;
  }
}

// --- results ----------------------------------------------------------------------------------------------------

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

const path = (url) => { try { return new URL(url).pathname; } catch (e) { return url; } };

function describeReal(r) {
  return r.ok ? `resolved: ${r.status}, type ${r.type}` : `rejected: ${r.error}`;
}

function describePredicted(r) {
  if (!r.allowed) return `rejected (${r.error})`;
  return r.response ? `resolved: ${r.response.status}, type ${r.response.type}` : "resolved";
}

// Where the real outcome and a prediction differ, in words; [] when they agree.
function differences(real, seen, prediction) {
  const out = [];
  prediction.runs.forEach((p, i) => {
    const r = real[i];
    if (!r) return;
    if (r.ok !== p.allowed) out.push(`fetch #${i + 1}: your browser ${describeReal(r)}; corskit predicts ${describePredicted(p)}`);
    else if (r.ok && p.response && (r.status !== p.response.status || r.type !== p.response.type)) {
      out.push(`fetch #${i + 1}: your browser got ${r.status} ${r.type}; corskit predicts ${p.response.status} ${p.response.type}`);
    } else if (r.ok && p.response) {
      const names = (headers) => headers.map(([n]) => n.toLowerCase()).sort().join(", ");
      if (names(r.headers) !== names(p.response.headers)) {
        out.push(`fetch #${i + 1}: script can read [${names(r.headers)}]; corskit predicts [${names(p.response.headers)}]`);
      }
    }
  });
  const expected = prediction.runs.flatMap((p) => p.sent.map((s) => `${s.method} ${path(s.url)}`));
  const received = seen.map((s) => `${s.method} ${s.path}`);
  if (expected.join("\n") !== received.join("\n")) {
    out.push(`the API received [${received.join(", ") || "nothing"}]; corskit predicts [${expected.join(", ") || "nothing"}]`);
  }
  return out;
}

function show(report, real, seen) {
  const own = ownBrowser();
  const results = $("results");
  results.hidden = false;
  const label = (report.predictions.find((p) => p.browser === own) || {}).label;
  $("own-browser").textContent = label || own;

  const realList = $("real-runs");
  realList.replaceChildren(...real.map((r) => el("li", describeReal(r), r.ok ? "good" : "bad")));
  const seenList = $("seen");
  seenList.replaceChildren(...(seen.length ? seen.map((s) => {
    const item = el("li", `${s.method} ${s.path}`);
    const detail = el("ul");
    s.headers.forEach(([n, v]) => detail.append(el("li", `${n}: ${v}`, "mono")));
    item.append(detail);
    return item;
  }) : [el("li", "nothing: the browser sent no request", "dim")]));

  const box = $("predictions");
  box.replaceChildren();
  let verdict = "none";
  let problems = [];
  for (const p of report.predictions) {
    const card = el("div", undefined, "prediction");
    card.dataset.browser = p.browser;
    card.append(el("h4", p.label));
    p.runs.forEach((r, i) => {
      card.append(el("p", `${p.runs.length > 1 ? `#${i + 1} ` : ""}${r.allowed ? "✓ allowed" : `✗ blocked: ${r.error}`}`, r.allowed ? "good" : "bad"));
      if (r.message) card.append(el("p", r.message, "message"));
      if (r.cache_hits.length) card.append(el("p", "preflight cache hit: no OPTIONS sent", "dim"));
    });
    if (p.browser === own) {
      problems = differences(real, seen, p);
      verdict = problems.length ? "disagree" : "agree";
      card.classList.add(verdict);
    }
    box.append(card);
  }
  const agreement = $("agreement");
  agreement.dataset.verdict = verdict;
  agreement.replaceChildren();
  if (verdict === "agree") agreement.append(el("span", `✓ Your browser did what corskit predicts for ${label}.`, "good"));
  else if (verdict === "disagree") {
    agreement.append(el("strong", `✗ Disagreement with corskit's ${label} prediction:`, "bad"));
    const ul = el("ul");
    problems.forEach((p) => ul.append(el("li", p)));
    agreement.append(ul);
  } else agreement.append(el("span", `corskit has no profile for your browser (${own}) yet: nothing to compare.`, "dim"));

  $("fix-box").hidden = !report.fix;
  if (report.fix) {
    $("fix-text").textContent = `Fix (${report.fix.side} side): ${report.fix.summary}`;
    $("fix-it").disabled = !report.fixed;
    $("fix-it").title = report.fixed ? "" : "No change the playground can make: see the fix.";
  }
  const tabs = $("diagram-tabs");
  tabs.replaceChildren(...report.predictions.map((p) => {
    const tab = el("button", p.label);
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.dataset.browser = p.browser;
    tab.addEventListener("click", () => showDiagram(p.browser));
    return tab;
  }));
  showDiagram(report.predictions.some((p) => p.browser === own) ? own : report.predictions[0].browser);
  $("notes").replaceChildren(...report.notes.map((n) => el("li", n, "warn")));
  $("copied").textContent = "";
  results.dataset.state = "done";
}

let diagramUrl = null;
function showDiagram(name) {
  const prediction = last.predictions.find((p) => p.browser === name);
  if (diagramUrl) URL.revokeObjectURL(diagramUrl);
  diagramUrl = URL.createObjectURL(new Blob([prediction.svg], { type: "image/svg+xml" }));
  const img = $("diagram-img");
  img.src = diagramUrl;
  img.alt = `Sequence diagram of corskit's ${prediction.label} prediction`;
  img.dataset.browser = name;
  document.querySelectorAll("#diagram-tabs button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.browser === name)));
}

async function copy(text) {
  $("copied").textContent = text;
  try { await navigator.clipboard.writeText(text); } catch (error) { /* shown above: select and copy */ }
}

function showError(text) {
  $("error").textContent = text;
}

// --- wiring -----------------------------------------------------------------------------------------------------

async function start() {
  info = await (await fetch("/api/info")).json();
  $("page-origin").textContent = info.page;
  $("api-origin").textContent = info.api;
  $("stack").replaceChildren(...info.stacks.map((s) => el("option", s)));
  loadState();
  document.querySelectorAll("#api-panel input, #api-panel textarea, #api-panel select, #fetch-panel input, #fetch-panel textarea, #fetch-panel select")
    .forEach((node) => node.addEventListener("input", saveState));
  $("mode-policy").addEventListener("click", () => { showMode("policy"); saveState(); });
  $("mode-raw").addEventListener("click", () => { showMode("raw"); saveState(); });
  $("run").addEventListener("click", run);
  $("fix-it").addEventListener("click", () => {
    if (!last || !last.fixed) return;
    toForm(swapOrigin(last.fixed, PAGE, info.page));
    saveState();
    run();
  });
  $("copy-scenario").addEventListener("click", () => last && copy(JSON.stringify(last.scenario, null, 1)));
  $("copy-config").addEventListener("click", () => last && copy(last.config[$("stack").value]));
  window.addEventListener("hashchange", () => {
    loadState();
    $("results").hidden = true;
    delete $("results").dataset.state;
  });
  // For the console and for tests: the page's state and the last report.
  window.playground = { get info() { return info; }, get state() { return state; }, get last() { return last; } };
  document.body.dataset.ready = "true";
}

start().catch((error) => showError(`The playground did not start: ${error}`));
