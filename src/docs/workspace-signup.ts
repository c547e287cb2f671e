/**
 * The home page's "Create a sandbox workspace" button: it calls `POST /_sandbox/workspaces`
 * from the page and shows the new workspace's credentials (its secrets are shown this once)
 * with ready-to-paste curl commands for both APIs and the controls, using this server's own
 * origin. A refusal (signup closed, rate limit, too many workspaces) shows the problem's detail.
 * Everything is written with `textContent`: nothing the server answers is read as HTML.
 */
export function workspaceSignup(): string {
  return `<section id="workspace-signup">
<h2>Your own sandbox</h2>
<p>A workspace is an isolated sandbox of your own on this server: your own NorCap credential and
accounts, your own Nova client with two organizations, and your own data, clock, faults, request
journal and coverage (<code>POST /_sandbox/workspaces</code>; see the control API below).</p>
<p><button id="create-workspace" type="button">Create a sandbox workspace</button></p>
<div id="workspace-result" aria-live="polite"></div>
<script>${SCRIPT}</script>
</section>`;
}

const SCRIPT = `
(function () {
  var button = document.getElementById('create-workspace');
  var out = document.getElementById('workspace-result');
  function add(tag, text, cls) { var el = document.createElement(tag); el.textContent = text; if (cls) el.className = cls; out.appendChild(el); return el; }
  function q(value) { return "'" + String(value).replace(/'/g, "'\\\\''") + "'"; }
  button.addEventListener('click', async function () {
    button.disabled = true;
    out.textContent = '';
    try {
      var res = await fetch('/_sandbox/workspaces', { method: 'POST' });
      var body = await res.json();
      if (res.status !== 201) { add('p', 'Could not create a workspace: ' + (body.detail || res.status), 'workspace-error'); return; }
      var origin = window.location.origin;
      var org = body.nova.organizations[0];
      add('p', 'Workspace ' + body.id + ' (expires when idle until ' + body.expires_at + '). Copy the secrets now: they are shown only once.');
      var dl = document.createElement('dl'); dl.id = 'workspace-credentials'; out.appendChild(dl);
      [['Workspace key (controls)', body.key], ['NorCap client id', body.norcap.client_id], ['NorCap API key', body.norcap.api_key],
       ['NorCap brokerage accounts', body.norcap.brokerage_accounts.join(', ')], ['NorCap linked accounts', body.norcap.linked_accounts.join(', ')],
       ['Nova client id', body.nova.client_id], ['Nova client secret', body.nova.client_secret],
       ['Nova organizations', body.nova.organizations.map(function (o) { return o.id + ' (' + o.name + ')'; }).join(', ')]]
        .forEach(function (row) { var dt = document.createElement('dt'); dt.textContent = row[0]; var dd = document.createElement('dd'); var c = document.createElement('code'); c.textContent = row[1]; dd.appendChild(c); dl.appendChild(dt); dl.appendChild(dd); });
      add('h3', 'NorCap: create a distribution, then list');
      add('pre', 'curl -s -X POST ' + q(origin + '/v3/custody/distributions') + ' -H ' + q('Authorization: Bearer ' + body.norcap.client_id + ':' + body.norcap.api_key) +
        ' -H ' + q('Content-Type: application/json') + ' -d ' + q(JSON.stringify({ newDistributions: [{ brokerageAccountId: body.norcap.brokerage_accounts[0], amountCents: 1234, accountId: body.norcap.linked_accounts[0] }] })) + '\\n' +
        'curl -s ' + q(origin + '/v3/custody/distributions') + ' -H ' + q('Authorization: Bearer ' + body.norcap.client_id + ':' + body.norcap.api_key), 'curl-norcap');
      add('h3', 'Nova: a token, then your first organization\\'s vehicles');
      add('pre', 'TOKEN=$(curl -s -X POST ' + q(origin + '/oauth/token') + ' -d grant_type=client_credentials --data-urlencode ' + q('client_id=' + body.nova.client_id) +
        ' --data-urlencode ' + q('client_secret=' + body.nova.client_secret) + ' | sed -E ' + q('s/.*"access_token":"([^"]+)".*/\\\\1/') + ')\\n' +
        'curl -s ' + q(origin + '/v1/vehicles') + ' -H "Authorization: Bearer $TOKEN" -H ' + q('X-Organization-Id: ' + org.id), 'curl-nova');
      add('h3', 'Controls: move your workspace\\'s clock');
      add('pre', 'curl -s -X POST ' + q(origin + '/_sandbox/clock/advance') + ' -H ' + q('Authorization: Bearer ' + body.key) + ' -H ' + q('Content-Type: application/json') + ' -d ' + q('{"seconds":3600}'), 'curl-controls');
    } catch (error) {
      add('p', 'Could not create a workspace: ' + error, 'workspace-error');
    } finally {
      button.disabled = false;
    }
  });
})();
`;
