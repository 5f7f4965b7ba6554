// The causalkv admin page: reads /admin/api/cluster every two seconds and renders it. Every key,
// address or message is put in the page as text (textContent), never as markup, and nothing is
// loaded from another host: the page works with no network beyond this node.
"use strict";

const REFRESH_MS = 2000;

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "–" : String(text);
  if (className) {
    td.className = className;
  }
  return td;
}

function stateCell(state) {
  const td = document.createElement("td");
  const span = document.createElement("span");
  span.className = "state state-" + String(state).replace(/[^a-z]/g, "");
  span.textContent = state;
  td.appendChild(span);
  return td;
}

function fill(tableId, rows) {
  const body = document.querySelector("#" + tableId + " tbody");
  body.replaceChildren(...rows);
}

function render(cluster) {
  const summary = document.getElementById("summary");
  if (cluster.mode !== "cluster") {
    summary.textContent = "This node is not part of a cluster (" + cluster.mode + "); it holds " + cluster.keys + " keys.";
    fill("shards", []);
    fill("nodes", []);
    return;
  }
  summary.textContent = "Seen from " + cluster.self + " · layout epoch " + cluster.epoch + " · "
      + cluster.view.length + " nodes in the view · " + cluster.shards.length
      + (cluster.sharded ? " shards" : " shard (replicated)");
  fill("shards", cluster.shards.map((shard) => {
    const tr = document.createElement("tr");
    tr.dataset.shard = shard.id;
    tr.append(cell(shard.id), cell(shard.members.join(", ")), cell(shard.keys, "keys"));
    return tr;
  }));
  fill("nodes", cluster.nodes.map((node) => {
    const tr = document.createElement("tr");
    tr.dataset.address = node.address;
    tr.append(cell(node.address), cell(node.shard), stateCell(node.state), cell(node.keys, "keys"));
    return tr;
  }));
  document.getElementById("updated").textContent = "Updated " + new Date().toLocaleTimeString();
}

async function refresh() {
  try {
    const response = await fetch("/admin/api/cluster", { cache: "no-store" });
    render(await response.json());
  } catch (e) {
    document.getElementById("summary").textContent = "This node does not answer: " + e.message;
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

async function act(method, path, body) {
  const result = document.getElementById("action-result");
  result.className = "";
  result.textContent = "Working…";
  try {
    const response = await fetch(path, { method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    const answer = await response.json();
    result.className = response.ok ? "" : "error";
    result.textContent = response.status + " " + (answer.result || answer.error || answer.message || JSON.stringify(answer));
  } catch (e) {
    result.className = "error";
    result.textContent = e.message;
  }
}

document.getElementById("add-member").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  act("PUT", "/shard/add-member/" + encodeURIComponent(form.shard.value), { "socket-address": form.address.value });
});

document.getElementById("reshard").addEventListener("submit", (event) => {
  event.preventDefault();
  act("PUT", "/shard/reshard", { "shard-count": Number(event.target.count.value) });
});

refresh();
