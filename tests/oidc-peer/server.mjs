// A certified OpenID Provider (panva's oidc-provider, OpenID Certified) set up like a national
// e-ID: authorization code flow with PKCE, the citizen's number in a `citizen_id` claim of the
// ID token, a confidential client and a public one, ID tokens signed with RS256 or ES256.
// hailong's e-ID tests (tests/api/eid_peer.rs) start it, one process per test, and drive its
// sign-in page over HTTP as a browser would. Nothing here is hailong's code: this is the peer.
//
// Settings come from the environment (all but the clock offset required):
//   PEER_PORT            the port on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   PEER_REDIRECT_URI    hailong's callback, registered for both clients
//   PEER_CLIENT_SECRET   the confidential client's secret (client id `hailong`)
//   PEER_ALG             RS256 or ES256: how ID tokens are signed
//   PEER_CITIZENS        a JSON list of citizen ID numbers; the sign-in page offers them
//   PEER_CLOCK_OFFSET_S  seconds added to this provider's clock (a provider whose clock is off
//                        issues tokens that are expired, or not yet valid, for everyone else)
// It prints `listening <issuer>` once it accepts connections.

import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`oidc peer: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const port = Number(required('PEER_PORT'));
const redirectUri = required('PEER_REDIRECT_URI');
const clientSecret = required('PEER_CLIENT_SECRET');
const alg = required('PEER_ALG');
const citizens = JSON.parse(required('PEER_CITIZENS'));
const clockOffsetMs = Number(process.env.PEER_CLOCK_OFFSET_S || '0') * 1000;

if (clockOffsetMs !== 0) {
  // The whole provider reads this clock (oidc-provider's epochTime is Date.now()), so its
  // codes, sessions and tokens agree with one another; only its `iat` and `exp` disagree
  // with the relying party's clock.
  const realNow = Date.now;
  Date.now = () => realNow() + clockOffsetMs;
}

// A fresh signing key each start: restarting the provider is how a test rotates its key.
const { privateKey } = await generateKeyPair(alg, { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg}-${Date.now()}` };

const issuer = `http://127.0.0.1:${port}`;
const clientCommon = {
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  id_token_signed_response_alg: alg,
};

const provider = new Provider(issuer, {
  clients: [
    { ...clientCommon, client_id: 'hailong', client_secret: clientSecret },
    { ...clientCommon, client_id: 'hailong-public', token_endpoint_auth_method: 'none' },
  ],
  jwks: { keys: [signingKey] },
  // The citizen's number travels in the ID token, under the openid scope, as a national
  // provider sends it (not only from the userinfo endpoint).
  claims: { openid: ['sub', 'citizen_id'] },
  conformIdTokenClaims: false,
  async findAccount(ctx, accountId) {
    const index = Number(accountId);
    if (!Number.isInteger(index) || index < 0 || index >= citizens.length) return undefined;
    return {
      accountId,
      async claims() {
        return { sub: `peer-subject-${index}`, citizen_id: citizens[index] };
      },
    };
  },
  // The relying party is the province's own service: consent is given by signing in.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid');
    grant.addOIDCClaims(['citizen_id']);
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  cookies: { keys: ['hailong-oidc-peer-cookie-key'] },
  ttl: { IdToken: 3600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
});

// The sign-in page: a list of citizens to sign in as (a test picks one by its index).
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET' && !match[2]) {
    const options = citizens
      .map((id, i) => `<li><button name="citizen" value="${i}">${id}</button></li>`)
      .join('');
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Sign in</title><p>prompt: ${details.prompt.name}</p>`
      + `<form method="post" action="/interaction/${details.uid}/login"><ul>${options}</ul></form>`;
    return undefined;
  }
  if (ctx.method === 'POST' && match[2]) {
    const body = await new Promise((resolve, reject) => {
      let raw = '';
      ctx.req.on('data', (chunk) => { raw += chunk; });
      ctx.req.on('end', () => resolve(new URLSearchParams(raw)));
      ctx.req.on('error', reject);
    });
    const citizen = body.get('citizen');
    if (citizen === null || !(Number(citizen) in citizens)) {
      ctx.status = 400;
      ctx.body = 'no such citizen';
      return undefined;
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId: String(Number(citizen)) },
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
    return undefined;
  }
  ctx.status = 405;
  return undefined;
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
