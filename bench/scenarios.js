// The loads the benchmark measures, each against a running server (`url`): what to prepare on
// the server first, and the request autocannon repeats. Shared by `run.js` and `profile.js`.
import {
  NORCAP_AUTH,
  NORCAP_BODY,
  NORCAP_PATH,
  NOVA_BODY,
  NOVA_PATH,
  call,
  novaHeaders,
  novaToken,
} from './harness.js';

export const norcapCreate = () => ({
  method: 'POST',
  path: NORCAP_PATH,
  headers: { authorization: NORCAP_AUTH, 'content-type': 'application/json' },
  body: NORCAP_BODY,
});

export const norcapList = () => ({ method: 'GET', path: `${NORCAP_PATH}?limit=5`, headers: { authorization: NORCAP_AUTH } });

/** A token, and one distribution to read back by id. */
export async function novaContext(url) {
  const token = await novaToken(url);
  const created = await call(url, NOVA_PATH, { headers: novaHeaders(token), body: NOVA_BODY });
  return { token, id: created.data[0].id };
}

export const novaCreate = ({ token }) => ({ method: 'POST', path: NOVA_PATH, headers: novaHeaders(token), body: NOVA_BODY });

/** A fresh `Idempotency-Key` on every request. */
export const novaKeyedCreate = (context) => ({ ...novaCreate(context), uniqueHeader: 'idempotency-key' });

export const novaGet = ({ token, id }) => ({ method: 'GET', path: `${NOVA_PATH}/${id}`, headers: novaHeaders(token) });

export const novaList = ({ token }) => ({ method: 'GET', path: `${NOVA_PATH}?limit=10`, headers: novaHeaders(token) });

/** What the bare app is sent for each kind of load: the same method and body. */
export const bare = {
  norcapCreate: () => norcapCreate(),
  novaCreate: () => ({ method: 'POST', path: NOVA_PATH, headers: { 'content-type': 'application/json' }, body: NOVA_BODY }),
  get: () => ({ method: 'GET', path: `${NOVA_PATH}/dst_bare` }),
};
