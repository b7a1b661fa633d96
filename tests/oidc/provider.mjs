// A local OpenID Connect provider for Kairos's single sign-on tests: panva's certified
// oidc-provider with its development sign-in pages (any password is accepted; the login
// name picks the account below).
//
//   node provider.mjs PORT REDIRECT_URI
//
// Prints "ready ISSUER" on stdout once it listens.
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

// Subjects are opaque ids, not names: Kairos must key people by (issuer, sub).
const accounts = {
  'id-1001': { preferred_username: 'carol', email: 'carol@example.test', email_verified: true },
  'id-1002': { preferred_username: 'alice', email: 'alice@example.test', email_verified: true },
  'id-1003': { preferred_username: 'not a name!', email: 'x@example.test', email_verified: false },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'kairos',
    client_secret: 'kairos-test-secret',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email', 'email_verified'] },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  cookies: { keys: ['kairos-test-cookie-key'] },
});
provider.proxy = false;

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
