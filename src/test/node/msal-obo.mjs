// msal-node's on-behalf-of flow against Keycloak, as a source API would run it; driven by ClientLibrariesIT.
// Reads {authority, clientId, clientSecret, assertion, scopes, calls} as JSON on stdin, makes `calls` identical
// acquireTokenOnBehalfOf calls with ONE ConfidentialClientApplication (so its in-memory token cache is shared) and
// prints one JSON object per call on stdout: {ok, fromCache, accessToken, scopes} or {ok: false, errorCode, ...}.
import { ConfidentialClientApplication, ProtocolMode } from "@azure/msal-node";

const input = JSON.parse(await new Promise((resolve, reject) => {
  let data = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (data += chunk));
  process.stdin.on("end", () => resolve(data));
  process.stdin.on("error", reject);
}));

// --- the configuration docs/clients.md shows (MSAL Node) ---
const authority = input.authority; // https://keycloak.example.com/realms/<realm>
const cca = new ConfidentialClientApplication({
  auth: {
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    authority,
    knownAuthorities: [new URL(authority).host], // not a Microsoft cloud: no instance discovery
  },
  system: {
    protocolMode: ProtocolMode.OIDC, // endpoints from <authority>/.well-known/openid-configuration
  },
});
// ---

for (let i = 0; i < (input.calls || 1); i++) {
  try {
    const result = await cca.acquireTokenOnBehalfOf({
      oboAssertion: input.assertion,
      scopes: input.scopes,
    });
    console.log(JSON.stringify({
      ok: true,
      fromCache: result.fromCache,
      accessToken: result.accessToken,
      scopes: result.scopes,
      tokenType: result.tokenType,
    }));
  } catch (e) {
    console.log(JSON.stringify({
      ok: false,
      name: e.name,
      errorCode: e.errorCode,
      errorMessage: e.errorMessage,
      subError: e.subError,
    }));
  }
}
