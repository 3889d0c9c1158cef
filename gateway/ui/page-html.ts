// The dashboard's HTML and CSS, served at /ui. The page holds no data: its
// script (gateway/ui/browser/dashboard.ts, served at /ui/dashboard.js) reads
// the admin API with the token the operator gave it. Layout is fixed-size
// (panels, canvases and table areas have set heights, numbers are tabular) so
// nothing moves while figures change. Dark by default, light when the system
// asks for it.

// Typed as string: a const string literal would be copied whole into page-html.d.ts.
export const DASHBOARD_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>ordo dashboard</title>
<link rel="icon" href="data:,">
<style>
:root {
  --bg: #0f1216; --panel: #171b21; --border: #262c35; --text: #d8dee6; --muted: #8a94a3; --grid: #2a313b;
  --accent: #5aa9ff; --good: #3ecf8e; --warn: #f2b84b; --bad: #ff6b6b;
  --c1: #5aa9ff; --c2: #f2b84b; --c3: #3ecf8e; --c4: #d17bff;
  color-scheme: dark;
}
@media (prefers-color-scheme: light) {
  :root {
    --bg: #f4f6f8; --panel: #ffffff; --border: #dde2e8; --text: #1d2430; --muted: #667085; --grid: #e6e9ee;
    --accent: #1f6fd1; --good: #138a5a; --warn: #b7791f; --bad: #c92a2a;
    --c1: #1f6fd1; --c2: #c97a00; --c3: #138a5a; --c4: #8a3ad1;
    color-scheme: light;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.num, td.n, .kpi .v { font-variant-numeric: tabular-nums; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
header { display: flex; align-items: center; gap: 14px; padding: 8px 14px; border-bottom: 1px solid var(--border); background: var(--panel); white-space: nowrap; overflow: hidden; }
header .brand { font-weight: 700; letter-spacing: .5px; }
header .meta { color: var(--muted); }
header .meta b { color: var(--text); font-weight: 500; }
header .spacer { flex: 1; }
#status { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); min-width: 120px; justify-content: flex-end; }
#status::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
#status.live::before { background: var(--good); }
#status.stale::before { background: var(--warn); }
#status.down::before { background: var(--bad); }
main { padding: 10px 14px 16px; display: grid; gap: 10px; }
.kpis { display: grid; grid-template-columns: repeat(12, minmax(0, 1fr)); gap: 8px; }
@media (max-width: 1300px) { .kpis { grid-template-columns: repeat(6, minmax(0, 1fr)); } }
.kpi { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 7px 10px; height: 58px; overflow: hidden; }
.kpi .k { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .4px; white-space: nowrap; }
.kpi .v { font-size: 19px; font-weight: 600; margin-top: 3px; white-space: nowrap; }
.kpi .v.warn { color: var(--warn); } .kpi .v.bad { color: var(--bad); }
.grid2 { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
.grid3 { display: grid; grid-template-columns: 1fr 1.6fr 1fr; gap: 10px; }
@media (max-width: 1100px) { .grid2, .grid3 { grid-template-columns: minmax(0, 1fr); } }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; min-width: 0; }
.panel h2 { margin: 0 0 6px; font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .4px; display: flex; gap: 12px; align-items: baseline; white-space: nowrap; }
.panel h2 .legend { text-transform: none; letter-spacing: 0; font-weight: 400; display: flex; gap: 12px; margin-left: auto; }
.legend span[style]::before { content: ""; display: inline-block; width: 10px; height: 3px; margin-right: 5px; vertical-align: middle; background: var(--sc); }
canvas { display: block; width: 100%; height: 150px; }
.table { height: 248px; overflow: auto; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--border); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 260px; }
th { color: var(--muted); font-weight: 500; font-size: 11px; position: sticky; top: 0; background: var(--panel); }
td.n, th.n { text-align: right; }
.tag { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; border: 1px solid var(--border); color: var(--muted); }
.tag.live { color: var(--good); border-color: var(--good); }
.tag.paused { color: var(--bad); border-color: var(--bad); }
.tag.catchup { color: var(--warn); border-color: var(--warn); }
.tag.tentative { color: var(--c4); border-color: var(--c4); }
.empty { color: var(--muted); padding: 10px 6px; }
dl.rt { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0; }
dl.rt dt { color: var(--muted); } dl.rt dd { margin: 0; text-align: right; }
#tokenbar { display: none; gap: 8px; align-items: center; padding: 8px 14px; background: var(--panel); border-bottom: 1px solid var(--border); }
#tokenbar.show { display: flex; }
#tokenbar input { flex: 1; max-width: 560px; background: var(--bg); color: var(--text); border: 1px solid var(--border); border-radius: 4px; padding: 4px 8px; font: inherit; }
#tokenbar button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: 5px 12px; font: inherit; cursor: pointer; }
#cluster-panel { display: none; }
#cluster-panel.show { display: block; }
</style>
</head>
<body>
<header>
  <span class="brand">ordo</span>
  <span class="meta" id="meta">connecting…</span>
  <span class="spacer"></span>
  <span id="status">waiting</span>
</header>
<form id="tokenbar"><span id="tokenmsg">This server needs a token with the monitor right.</span><input id="tokeninput" type="password" autocomplete="off" placeholder="paste a token (ordo token --monitor ...)"><button id="tokenbtn" type="submit">Use token</button></form>
<main>
  <section class="kpis" id="kpis"></section>
  <section class="grid2">
    <div class="panel"><h2>Throughput <span class="legend"><span style="--sc:var(--c1)">publish <b class="num" id="lg-in">–</b></span><span style="--sc:var(--c2)">deliver <b class="num" id="lg-out">–</b></span></span></h2><canvas id="ch-rate"></canvas></div>
    <div class="panel"><h2>Publish → ack latency <span class="legend"><span style="--sc:var(--c1)">p50 <b class="num" id="lg-ack50">–</b></span><span style="--sc:var(--c2)">p99 <b class="num" id="lg-ack99">–</b></span></span></h2><canvas id="ch-ack"></canvas></div>
    <div class="panel"><h2>Publish → deliver latency <span class="legend"><span style="--sc:var(--c1)">p50 <b class="num" id="lg-del50">–</b></span><span style="--sc:var(--c2)">p99 <b class="num" id="lg-del99">–</b></span></span></h2><canvas id="ch-del"></canvas></div>
    <div class="panel"><h2>fsync latency <span class="legend"><span>rate <b class="num" id="lg-fs">–</b></span><span style="--sc:var(--c1)">p50 <b class="num" id="lg-fs50">–</b></span><span style="--sc:var(--c2)">p99 <b class="num" id="lg-fs99">–</b></span><span>seq − durable <b class="num" id="lg-dist">–</b></span></span></h2><canvas id="ch-fsync"></canvas></div>
  </section>
  <section class="grid3">
    <div class="panel"><h2>Groups <span class="legend num" id="groups-count"></span></h2><div class="table"><table><thead><tr><th>group</th><th class="n">id</th><th class="n">msg/s</th><th class="n">latest gseq</th><th class="n">subs</th></tr></thead><tbody id="groups"></tbody></table></div></div>
    <div class="panel"><h2>Subscribers, by lag <span class="legend num" id="subs-count"></span></h2><div class="table"><table><thead><tr><th>subscriber</th><th>conn/sub</th><th>groups</th><th>mode</th><th>state</th><th class="n">lag</th><th class="n">next gsn</th></tr></thead><tbody id="subs"></tbody></table></div></div>
    <div class="panel"><h2>Errors by code</h2><div class="table" style="height:120px"><table><thead><tr><th>code</th><th class="n">total</th><th class="n">per s</th></tr></thead><tbody id="errors"></tbody></table></div>
      <h2 style="margin-top:8px">Process</h2><dl class="rt num" id="runtime"></dl></div>
  </section>
  <section class="panel" id="cluster-panel"><h2>Cluster</h2><div class="table" style="height:auto;max-height:200px"><table><thead><tr><th>node</th><th>role</th><th class="n">epoch</th><th class="n">applied gsn</th><th class="n">lag</th><th>url</th></tr></thead><tbody id="cluster"></tbody></table></div></section>
</main>
<script type="module" src="/ui/dashboard.js"></script>
</body>
</html>
`
