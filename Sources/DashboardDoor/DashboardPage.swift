/// The dashboard page, served at `/` and `/app.js`: plain HTML, CSS and JavaScript, no build
/// step and nothing fetched from the network (Chart.js comes from the daemon at `/chart.js`).
///
/// The page reads `/api/analytics` once for the history, then follows `/api/stream` (server-sent
/// events, one a second) for the figures and charts, and polls the alert and transaction lists
/// every 2 s, as the seed pipeline's page did.
enum DashboardPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Streamify — live fraud scoring</title>
<link rel="icon" href="data:,">
<style>
  :root { --low:#2e7d32; --medium:#f9a825; --high:#ef6c00; --critical:#c62828; --bg:#f4f6f8; --card:#fff; --ink:#1c2833; --muted:#5d6d7e; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--ink); }
  header { display:flex; align-items:center; gap:12px; padding:10px 18px; background:#1c2833; color:#fff; flex-wrap:wrap; }
  header h1 { font-size:18px; margin:0 12px 0 0; }
  #status-dot { width:12px; height:12px; border-radius:50%; background:#7f8c8d; display:inline-block; }
  #status-dot.running { background:#2ecc71; box-shadow:0 0 6px #2ecc71; }
  header input { width:80px; padding:4px; }
  button { padding:5px 12px; border:0; border-radius:4px; cursor:pointer; font-weight:600; }
  #btn-start { background:#27ae60; color:#fff; } #btn-stop { background:#e67e22; color:#fff; } #btn-reset { background:#7f8c8d; color:#fff; }
  main { display:grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap:14px; padding:14px 18px; }
  section { background:var(--card); border-radius:8px; padding:12px 14px; box-shadow:0 1px 3px rgba(0,0,0,.08); min-width:0; }
  section h2 { font-size:14px; margin:0 0 8px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
  .wide { grid-column: 1 / -1; }
  .metrics { display:grid; grid-template-columns: repeat(4, 1fr); gap:8px; }
  .metric { background:var(--bg); border-radius:6px; padding:8px; }
  .metric b { display:block; font-size:20px; } .metric span { color:var(--muted); font-size:12px; }
  table { width:100%; border-collapse:collapse; font-size:12px; }
  th, td { text-align:left; padding:4px 6px; border-bottom:1px solid #eaecee; white-space:nowrap; }
  tr.clickable { cursor:pointer; } tr.clickable:hover { background:#eef5fb; }
  .level { display:inline-block; padding:1px 7px; border-radius:10px; color:#fff; font-size:11px; font-weight:700; text-transform:uppercase; }
  .level.low { background:var(--low); } .level.medium { background:var(--medium); color:#222; } .level.high { background:var(--high); } .level.critical { background:var(--critical); }
  .alert { border-left:5px solid var(--medium); padding:6px 10px; margin-bottom:8px; background:var(--bg); border-radius:4px; cursor:pointer; }
  .alert.high { border-color:var(--high); } .alert.critical { border-color:var(--critical); }
  .factor { display:grid; grid-template-columns: 80px 1fr 44px; gap:6px; align-items:center; font-size:11px; margin:2px 0; }
  .bar { height:8px; background:#dfe4e8; border-radius:4px; overflow:hidden; } .bar i { display:block; height:100%; background:#5d6d7e; }
  .reason { grid-column: 1 / -1; color:var(--muted); margin:-1px 0 3px 86px; white-space:normal; }
  .labels button { padding:2px 8px; font-size:11px; margin-right:4px; }
  .labels .fraud { background:var(--critical); color:#fff; } .labels .legit { background:var(--low); color:#fff; }
  #toasts { position:fixed; right:16px; bottom:16px; display:flex; flex-direction:column; gap:6px; z-index:10; }
  .toast { background:#1c2833; color:#fff; padding:8px 12px; border-radius:6px; opacity:.95; }
  .toast.error { background:var(--critical); }
  #detail pre { white-space:pre-wrap; }
  canvas { max-height:220px; }
  .muted { color:var(--muted); }
  form.lookup { display:flex; gap:6px; margin-bottom:8px; } form.lookup input { flex:1; padding:4px; }
</style>
</head>
<body>
<header>
  <h1>Streamify</h1>
  <span id="status-dot" title="demo load"></span><span id="status-text">stopped</span>
  <label>rate <input id="rate" type="number" min="1" value="200"> tx/s</label>
  <button id="btn-start">Start</button><button id="btn-stop">Stop</button><button id="btn-reset">Reset</button>
  <label class="muted">token <input id="token" type="password" placeholder="(loopback: none)"></label>
</header>
<main>
  <section class="wide">
    <h2>Key metrics</h2>
    <div class="metrics">
      <div class="metric"><b id="metric-revenue">0</b><span>revenue</span></div>
      <div class="metric"><b id="metric-transactions">0</b><span>transactions</span></div>
      <div class="metric"><b id="metric-alerts">0</b><span>fraud alerts (medium+)</span></div>
      <div class="metric"><b id="metric-average">0</b><span>average transaction</span></div>
      <div class="metric"><b id="metric-rate">0</b><span>transactions / minute</span></div>
      <div class="metric"><b id="metric-throughput">0</b><span>transactions / s (10 s)</span></div>
      <div class="metric"><b id="metric-latency">–</b><span>server latency p50 / p99 (microseconds)</span></div>
      <div class="metric"><b id="metric-labels">0</b><span>labels received</span></div>
    </div>
  </section>
  <section><h2>Throughput (transactions/s)</h2><canvas id="chart-throughput"></canvas></section>
  <section><h2>Server latency p50 / p99 (microseconds)</h2><canvas id="chart-latency"></canvas></section>
  <section><h2>Alert-level mix per second</h2><canvas id="chart-levels"></canvas></section>
  <section><h2>Revenue by category</h2><canvas id="chart-categories"></canvas></section>
  <section><h2>Payment methods</h2><canvas id="chart-methods"></canvas></section>
  <section>
    <h2>Recent fraud alerts</h2>
    <div id="alerts"><p class="muted">No alerts yet.</p></div>
  </section>
  <section class="wide">
    <h2>Recent transactions</h2>
    <table><thead><tr><th>id</th><th>amount</th><th>card</th><th>category</th><th>method</th><th>country</th><th>time</th><th>score</th><th>level</th></tr></thead>
    <tbody id="transactions"></tbody></table>
  </section>
  <section>
    <h2>Look up</h2>
    <form class="lookup" id="lookup-card"><input id="card-id" placeholder="card id"><button>Card</button></form>
    <form class="lookup" id="lookup-merchant"><input id="merchant-id" placeholder="merchant id"><button>Merchant</button></form>
    <div id="detail"><p class="muted">Click a transaction or an alert for its whole breakdown and the card's history.</p></div>
  </section>
  <section>
    <h2>Detection against ground truth (demo)</h2>
    <p id="ranking" class="muted"></p>
    <table><thead><tr><th>scenario</th><th>frauds</th><th>flagged</th><th>recall</th></tr></thead><tbody id="recall"></tbody></table>
    <table><thead><tr><th>level</th><th>decisions</th><th>frauds</th><th>precision</th></tr></thead><tbody id="precision"></tbody></table>
  </section>
  <section>
    <h2>Model and learning</h2>
    <table><tbody id="model"></tbody></table>
  </section>
</main>
<div id="toasts"></div>
<script src="/chart.js"></script>
<script src="/app.js"></script>
</body>
</html>
"""#

    static let script = #"""
"use strict";
const levels = ["low", "medium", "high", "critical"];
const levelColours = { low: "#2e7d32", medium: "#f9a825", high: "#ef6c00", critical: "#c62828" };
const charts = {};
const $ = (id) => document.getElementById(id);
const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const money = (value) => Number(value || 0).toLocaleString(undefined, { maximumFractionDigits: 2 });

function toast(message, isError) {
  const node = document.createElement("div");
  node.className = "toast" + (isError ? " error" : "");
  node.textContent = message;
  $("toasts").appendChild(node);
  setTimeout(() => node.remove(), 4000);
}

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json" };
  const token = $("token").value || localStorage.getItem("streamify-token");
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error?.message || response.statusText);
  return body;
}

function makeCharts() {
  if (typeof Chart === "undefined") { toast("Chart.js is not installed: charts are off", true); return; }
  const line = (id, datasets) => new Chart($(id), {
    type: "line", data: { labels: [], datasets }, options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } }, elements: { point: { radius: 0 } } },
  });
  charts.throughput = line("chart-throughput", [{ label: "tx/s", data: [], borderColor: "#2874a6", fill: false }]);
  charts.latency = line("chart-latency", [
    { label: "p50 µs", data: [], borderColor: "#27ae60" }, { label: "p99 µs", data: [], borderColor: "#c0392b" }]);
  charts.levels = new Chart($("chart-levels"), {
    type: "bar", data: { labels: [], datasets: levels.map((level) => ({ label: level, data: [], backgroundColor: levelColours[level] })) },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
  const palette = ["#2874a6", "#27ae60", "#f39c12", "#8e44ad", "#c0392b", "#16a085", "#d35400", "#2c3e50", "#7f8c8d", "#e84393", "#00b894", "#fdcb6e"];
  charts.categories = new Chart($("chart-categories"), {
    type: "doughnut", data: { labels: [], datasets: [{ data: [], backgroundColor: palette }] }, options: { animation: false, plugins: { legend: { position: "right" } } },
  });
  charts.methods = new Chart($("chart-methods"), {
    type: "bar", data: { labels: [], datasets: [{ label: "transactions (sampled)", data: [], backgroundColor: "#2874a6" }] }, options: { animation: false },
  });
}

const historyLength = 120;
function addPoint(point) {
  if (!point || !charts.throughput) return;
  const label = new Date(point.time_ms).toLocaleTimeString();
  const push = (chart, values) => {
    chart.data.labels.push(label);
    values.forEach((value, index) => chart.data.datasets[index].data.push(value));
    if (chart.data.labels.length > historyLength) {
      chart.data.labels.shift();
      chart.data.datasets.forEach((dataset) => dataset.data.shift());
    }
    chart.update();
  };
  push(charts.throughput, [point.transactions_per_second]);
  push(charts.latency, [point.latency_p50_us ?? null, point.latency_p99_us ?? null]);
  push(charts.levels, levels.map((level) => point.levels?.[level] ?? 0));
}

function setPie(chart, values) {
  if (!chart) return;
  const entries = Object.entries(values || {}).sort((a, b) => b[1] - a[1]).slice(0, 12);
  chart.data.labels = entries.map((entry) => entry[0]);
  chart.data.datasets[0].data = entries.map((entry) => entry[1]);
  chart.update();
}

let lastPointTime = 0;
function showAnalytics(data) {
  $("metric-revenue").textContent = money(data.total_revenue);
  $("metric-transactions").textContent = data.total_transactions.toLocaleString();
  $("metric-alerts").textContent = data.fraud_count.toLocaleString();
  $("metric-average").textContent = money(data.avg_transaction);
  $("metric-rate").textContent = Math.round(data.rate_per_minute).toLocaleString();
  $("metric-throughput").textContent = Math.round(data.processing_rate).toLocaleString();
  $("metric-latency").textContent = (data.latency_p50_us ?? "–") + " / " + (data.latency_p99_us ?? "–");
  $("metric-labels").textContent = data.feedback.toLocaleString();
  const running = data.demo.running;
  $("status-dot").className = running ? "running" : "";
  $("status-text").textContent = running ? "demo running at " + data.demo.rate + " tx/s" : "demo stopped";
  setPie(charts.categories, data.category_breakdown);
  setPie(charts.methods, data.payment_methods);
  (data.history || []).forEach((point) => { if (point.time_ms > lastPointTime) { addPoint(point); lastPointTime = point.time_ms; } });
  if (data.latest && data.latest.time_ms > lastPointTime) { addPoint(data.latest); lastPointTime = data.latest.time_ms; }
  $("recall").innerHTML = data.demo.recall_by_scenario.map((row) =>
    `<tr><td>${esc(row.scenario)}</td><td>${row.frauds}</td><td>${row.flagged}</td><td>${row.recall == null ? "–" : (row.recall * 100).toFixed(1) + " %"}</td></tr>`).join("")
    || `<tr><td colspan="4" class="muted">Start the demo load to measure.</td></tr>`;
  $("precision").innerHTML = data.demo.precision_by_level.map((row) =>
    `<tr><td><span class="level ${row.level}">${row.level}</span></td><td>${row.decisions}</td><td>${row.frauds}</td><td>${row.precision == null ? "–" : (row.precision * 100).toFixed(1) + " %"}</td></tr>`).join("");
  $("ranking").textContent = data.demo.roc_auc == null ? "" :
    `ROC AUC ${data.demo.roc_auc.toFixed(3)} · average precision ${data.demo.average_precision.toFixed(3)} over ${data.demo.transactions_sent.toLocaleString()} demo transactions`;
  const model = data.model;
  $("model").innerHTML = [
    ["model in service", model.version + (model.challenger_serves ? " (challenger)" : "")],
    ["learner updates", model.learner_updates], ["labels pending", model.labels_pending],
    ["outcomes awaited", model.outcomes_awaited], ["refit samples (fraud / legitimate)", model.reservoir_frauds + " / " + model.reservoir_legitimate],
    ["refits started", model.refits_started], ["challenger switches", model.challenger_switches],
    ["ROC AUC champion / challenger", (model.champion_roc_auc?.toFixed(3) ?? "–") + " / " + (model.challenger_roc_auc?.toFixed(3) ?? "–")],
    ["cards tracked", model.cards_tracked], ["event clock", model.event_clock],
  ].map(([name, value]) => `<tr><td>${esc(name)}</td><td>${esc(value)}</td></tr>`).join("");
}

function factorBars(decision) {
  return decision.factors.map((factor) => `
    <div class="factor"><span>${esc(factor.factor)}</span><div class="bar"><i style="width:${Math.round(factor.score * 100)}%"></i></div><span>${factor.contribution.toFixed(2)}</span>
    <span class="reason">${esc(factor.reason)}</span></div>`).join("");
}

// Lists polled every two seconds are replaced only when they change: replacing the element under
// the pointer between a press and its release loses the click.
const rendered = {};
function render(id, html) {
  if (rendered[id] === html) return;
  rendered[id] = html;
  $(id).innerHTML = html;
}

function showAlerts(alerts) {
  render("alerts", alerts.map((alert) => `
    <div class="alert ${alert.level}" data-transaction-id="${esc(alert.transaction_id)}">
      <span class="level ${alert.level}">${alert.level}</span> <b>${esc(alert.transaction_id)}</b> · score ${alert.risk_score.toFixed(3)} · ${money(alert.amount)} ${esc(alert.currency)} · card ${esc(alert.card_id)} · ${esc(alert.time)}
      ${factorBars(alert)}
      <div class="labels">label: <button class="fraud" data-label="fraud">fraud</button><button class="legit" data-label="legitimate">legitimate</button></div>
    </div>`).join("") || `<p class="muted">No alerts yet.</p>`);
}

function showTransactions(transactions) {
  render("transactions", transactions.map((t) => `
    <tr class="clickable" data-transaction-id="${esc(t.transaction_id)}"><td>${esc(t.transaction_id)}</td><td>${money(t.amount)} ${esc(t.currency)}</td><td>${esc(t.card_id)}</td>
    <td>${esc(t.category)}</td><td>${esc(t.payment_method)}</td><td>${esc(t.country)}</td><td>${esc(t.time)}</td><td>${t.risk_score.toFixed(3)}</td>
    <td><span class="level ${t.level}">${t.level}</span></td></tr>`).join(""));
}

async function showTransaction(id) {
  try {
    const decision = await api("/api/transactions/" + encodeURIComponent(id));
    const card = await api("/api/cards/" + encodeURIComponent(decision.card_id)).catch(() => null);
    $("detail").innerHTML = `<h3>${esc(decision.transaction_id)} <span class="level ${decision.level}">${decision.level}</span> ${decision.risk_score.toFixed(3)}</h3>
      <p>${money(decision.amount)} ${esc(decision.currency)} at ${esc(decision.merchant_id)} (${esc(decision.category)}), ${esc(decision.payment_method)}, ${esc(decision.country)}, ${esc(decision.time)} · model ${esc(decision.model_version)}</p>
      ${factorBars(decision)}
      <div class="labels" data-transaction-id="${esc(decision.transaction_id)}">label: <button class="fraud" data-label="fraud">fraud</button><button class="legit" data-label="legitimate">legitimate</button></div>
      ${card ? cardHTML(card) : ""}`;
  } catch (error) { toast(error.message, true); }
}

function cardHTML(card) {
  const p = card.profile;
  const profile = p ? `<p>${p.transaction_count} transaction${p.transaction_count === 1 ? "" : "s"} since ${esc(p.first_seen)}; typical amount ${p.typical_amount == null ? "–" : money(p.typical_amount)}; ${p.last_country == null ? "no country yet" : "last in " + esc(p.last_country)};
      ${p.known_devices} devices; last minute / hour / day: ${p.last_minute} / ${p.last_hour} / ${p.last_day}${p.confirmed_fraud_at ? "; <b>confirmed fraud at " + esc(p.confirmed_fraud_at) + "</b>" : ""}</p>` : "<p class='muted'>not in the state tables</p>";
  return `<h3>Card ${esc(card.card_id)}</h3>${profile}<table>${card.recent.slice(0, 10).map((t) =>
    `<tr class="clickable" data-transaction-id="${esc(t.transaction_id)}"><td>${esc(t.time)}</td><td>${money(t.amount)}</td><td>${esc(t.merchant_id)}</td><td><span class="level ${t.level}">${t.level}</span></td></tr>`).join("")}</table>`;
}

async function lookup(kind, id) {
  if (!id) return;
  try {
    const found = await api(`/api/${kind}/` + encodeURIComponent(id));
    if (kind === "cards") { $("detail").innerHTML = cardHTML(found); return; }
    const p = found.profile;
    $("detail").innerHTML = `<h3>Merchant ${esc(found.merchant_id)}</h3>` + (p ? `<p>${p.transaction_count} transactions, ${p.fraud_reports} fraud reports; last hour / day: ${p.last_hour} / ${p.last_day}</p>` : "") +
      `<table>${found.recent.slice(0, 10).map((t) => `<tr class="clickable" data-transaction-id="${esc(t.transaction_id)}"><td>${esc(t.time)}</td><td>${money(t.amount)}</td><td>${esc(t.card_id)}</td><td><span class="level ${t.level}">${t.level}</span></td></tr>`).join("")}</table>`;
  } catch (error) { toast(error.message, true); }
}

async function sendLabel(id, label) {
  try {
    const answer = await api("/api/label", { method: "POST", body: JSON.stringify({ transaction_id: id, label }) });
    toast(`label ${answer.label} for ${answer.transaction_id}: ${answer.disposition}`);
  } catch (error) { toast(error.message, true); }
}

document.addEventListener("click", (event) => {
  const labelButton = event.target.closest("button[data-label]");
  if (labelButton) {
    event.stopPropagation();
    sendLabel(labelButton.closest("[data-transaction-id]").dataset.transactionId, labelButton.dataset.label);
    return;
  }
  const row = event.target.closest("[data-transaction-id]");
  if (row && !event.target.closest("#detail .labels")) showTransaction(row.dataset.transactionId);
});

async function control(path, body) {
  try {
    const answer = await api(path, { method: "POST", body: body ? JSON.stringify(body) : undefined });
    toast(answer.running ? `demo running at ${answer.rate} tx/s` : `demo stopped; ${answer.total_transactions} transactions`);
    if (path.endsWith("reset_data")) { Object.values(charts).forEach((chart) => { chart.data.labels = []; chart.data.datasets.forEach((d) => (d.data = [])); chart.update(); }); }
    refresh();
  } catch (error) { toast(error.message, true); }
}

$("btn-start").onclick = () => control("/api/start_generation", { rate: Number($("rate").value) });
$("btn-stop").onclick = () => control("/api/stop_generation");
$("btn-reset").onclick = () => control("/api/reset_data");
$("token").onchange = () => localStorage.setItem("streamify-token", $("token").value);
$("lookup-card").onsubmit = (event) => { event.preventDefault(); lookup("cards", $("card-id").value.trim()); };
$("lookup-merchant").onsubmit = (event) => { event.preventDefault(); lookup("merchants", $("merchant-id").value.trim()); };

// One list poll at a time: concurrent polls (the timer's, a button's) may be answered out of
// order, and a late answer would put back an older list. A poll asked for while one runs
// follows it; a poll's requests give up after `listPollTimeoutMs`, so a stuck one holds none.
const listPollTimeoutMs = 10000;
let listsPolling = false, listsAgain = false;
async function refreshLists() {
  if (listsPolling) { listsAgain = true; return; }
  listsPolling = true;
  do {
    listsAgain = false;
    try {
      const signal = AbortSignal.timeout(listPollTimeoutMs);
      showAlerts(await api("/api/fraud_alerts?limit=5", { signal }));
      showTransactions(await api("/api/transactions?limit=10", { signal }));
    } catch (error) { /* the daemon may be restarting; the next poll tries again */ }
  } while (listsAgain);
  listsPolling = false;
}

async function refresh() {
  try { showAnalytics(await api("/api/analytics")); } catch (error) { toast(error.message, true); }
  refreshLists();
}

makeCharts();
refresh();
setInterval(refreshLists, 2000);
const stream = new EventSource("/api/stream");
stream.addEventListener("analytics", (event) => showAnalytics(JSON.parse(event.data)));
// A dropped stream reconnects by itself. One the server refused (503: every live-stream slot
// taken; 401: with --http-token-file, as a stream cannot carry the token) the browser closes
// for good: poll the analytics instead, as the refusal says.
let polling = null;
stream.onerror = () => {
  if (stream.readyState !== EventSource.CLOSED) { setTimeout(refresh, 2000); return; }
  if (polling === null) { polling = setInterval(refresh, 2000); }
};
"""#
}
