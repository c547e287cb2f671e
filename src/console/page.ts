/**
 * `GET /console`: the page's shell. Everything in it is static (no value from a request is
 * ever written into this HTML); the script (`assets/console.js`) fills it, with `textContent`
 * only, from the console's own endpoints and the stream. No inline script or style: the
 * Content-Security-Policy allows only this origin's files.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox console</title>
<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<header class="bar">
  <h1><a href="/">Fund-distribution sandbox</a> · console</h1>
  <span id="workspace" class="workspace" title="the workspace this console shows"></span>
  <span id="connection" class="connection" role="status" aria-live="polite">connecting…</span>
  <span class="spacer"></span>
  <span id="clock-now" class="clock-now" title="sandbox time"></span>
  <button id="header-new-workspace" type="button" title="create a workspace of your own and show its console">New workspace</button>
  <button id="sign-out" type="button" hidden>Sign out</button>
</header>

<section id="sign-in" class="sign-in" hidden>
  <h2>Sign in to your workspace's console</h2>
  <form id="sign-in-form" autocomplete="off">
    <label>Workspace key (or the admin token, for the default workspace)
      <input id="sign-in-key" name="key" type="password" required spellcheck="false" autocomplete="off"></label>
    <button type="submit">Sign in</button>
  </form>
  <p id="sign-in-error" class="error" role="alert"></p>
  <p>No workspace yet? <button id="new-workspace" type="button">New workspace</button> creates one and signs you in.</p>
</section>

<main id="console" hidden>
  <nav class="tabs" role="tablist">
    <button type="button" role="tab" data-tab="journal" aria-selected="true">Journal <span id="journal-count" class="count"></span></button>
    <button type="button" role="tab" data-tab="timeline">Timeline</button>
    <button type="button" role="tab" data-tab="records">Records</button>
    <button type="button" role="tab" data-tab="clock">Clock</button>
    <button type="button" role="tab" data-tab="faults">Faults</button>
    <button type="button" role="tab" data-tab="coverage">Coverage</button>
    <button type="button" role="tab" data-tab="first-run">First run</button>
  </nav>

  <section id="tab-journal" class="tab" role="tabpanel">
    <form id="filters" class="filters" role="search">
      <label>API <select id="filter-api"><option value="">all</option><option value="norcap">NorCap</option><option value="nova">Nova</option><option value="none">none</option></select></label>
      <label>Status <select id="filter-status"><option value="">all</option><option value="2">2xx</option><option value="3">3xx</option><option value="4">4xx</option><option value="5">5xx</option></select></label>
      <label><input id="filter-failed" type="checkbox"> failed contract only</label>
      <label>Path <input id="filter-path" type="search" placeholder="text in the path"></label>
      <label>Idempotency key <input id="filter-key" type="search"></label>
      <span id="filter-operation" class="chip" hidden></span>
      <span class="spacer"></span>
      <button id="pause" type="button" aria-pressed="false">Pause</button>
      <button id="clear" type="button">Clear</button>
      <a id="export-json" class="button" href="/console/export?format=json" download>Export JSON</a>
      <a id="export-har" class="button" href="/console/export?format=har" download>Export HAR</a>
    </form>
    <p id="gap" class="notice" hidden></p>
    <div class="split">
      <table id="journal" class="journal">
        <thead><tr><th>time</th><th>API</th><th>method</th><th>path</th><th>status</th><th>ms</th><th>contract</th><th>marks</th></tr></thead>
        <tbody id="rows"></tbody>
      </table>
      <aside id="detail" class="detail" hidden aria-live="polite">
        <div class="detail-head"><h2 id="detail-title"></h2><button id="detail-close" type="button" aria-label="Close">×</button></div>
        <div id="detail-body"></div>
        <h3>Copy as cURL</h3>
        <pre id="detail-curl" class="curl"></pre>
        <button id="copy-curl" type="button">Copy as cURL</button>
      </aside>
    </div>
  </section>

  <section id="tab-timeline" class="tab" role="tabpanel" hidden>
    <ol id="timeline" class="timeline"></ol>
  </section>

  <section id="tab-records" class="tab" role="tabpanel" hidden>
    <p><button id="records-refresh" type="button">Refresh</button> <span id="records-total"></span></p>
    <table class="records"><thead><tr><th>API</th><th>id</th><th>status</th><th>amount</th><th>updated</th><th>history</th><th>move to</th></tr></thead><tbody id="records"></tbody></table>
    <p id="records-error" class="error" role="alert"></p>
  </section>

  <section id="tab-clock" class="tab" role="tabpanel" hidden>
    <p>Sandbox time: <strong id="clock-reading"></strong> <span id="clock-mode"></span> <span id="clock-offset"></span></p>
    <p class="presets">Advance by
      <button type="button" data-advance="60">1 min</button>
      <button type="button" data-advance="3600">1 hour</button>
      <button type="button" data-advance="86400">1 day</button>
      <button type="button" data-advance="604800">1 week</button></p>
    <form id="advance-form"><label>or <input id="advance-amount" type="number" min="1" value="90" required> </label>
      <select id="advance-unit"><option value="1">seconds</option><option value="60">minutes</option><option value="3600">hours</option><option value="86400">days</option></select>
      <button type="submit">Advance</button></form>
    <p><button id="freeze" type="button">Freeze</button> <button id="unfreeze" type="button">Unfreeze</button></p>
    <h3>Moved by the last advance</h3>
    <ul id="clock-moved"><li class="none">nothing yet</li></ul>
    <p id="clock-error" class="error" role="alert"></p>
  </section>

  <section id="tab-faults" class="tab" role="tabpanel" hidden>
    <form id="fault-form" class="fault-form">
      <label>Method <select id="fault-method"><option>*</option><option>GET</option><option selected>POST</option><option>PUT</option><option>PATCH</option><option>DELETE</option></select></label>
      <label>Path pattern <input id="fault-path" value="/v3/custody/distributions" required spellcheck="false"></label>
      <label>Status <input id="fault-status" type="number" min="100" max="599" value="503"></label>
      <label>Latency ms <input id="fault-latency" type="number" min="0" value="0"></label>
      <label>Count <input id="fault-count" type="number" min="1" value="1"></label>
      <button type="submit">Arm</button>
    </form>
    <p id="fault-error" class="error" role="alert"></p>
    <table class="faults"><thead><tr><th>id</th><th>method</th><th>path</th><th>status</th><th>latency</th><th>remaining</th><th></th></tr></thead><tbody id="faults"></tbody></table>
  </section>

  <section id="tab-coverage" class="tab" role="tabpanel" hidden>
    <p id="coverage-summary"></p>
    <div id="coverage"></div>
  </section>

  <section id="tab-first-run" class="tab" role="tabpanel" hidden>
    <p>Four buttons, four real requests with this workspace's own credentials: watch them arrive in the journal. This is the loop your integration will code.</p>
    <ol class="first-run">
      <li><button type="button" data-step="norcap-create">1. Create a NorCap distribution</button> <span class="step-result" data-result="norcap-create"></span></li>
      <li><button type="button" data-step="nova-token">2. Get a Nova token</button> <span class="step-result" data-result="nova-token"></span></li>
      <li><button type="button" data-step="nova-create">3. Create a Nova distribution</button> <span class="step-result" data-result="nova-create"></span></li>
      <li><button type="button" data-step="settle">4. Advance the clock to settle them</button> <span class="step-result" data-result="settle"></span></li>
    </ol>
    <p id="first-run-error" class="error" role="alert"></p>
  </section>
</main>
</body>
</html>
`;
