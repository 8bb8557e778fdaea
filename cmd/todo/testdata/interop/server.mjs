// A real Better Auth server for cmd/todo's interop tests.
//
//   PORT=3900 BETTER_AUTH_URL=http://127.0.0.1:3900 BETTER_AUTH_SECRET=... node server.mjs
//
// It creates Better Auth's tables, listens on 127.0.0.1:$PORT, prints
// "ready <url>" and serves until SIGTERM, SIGINT or the end of its standard
// input, so it never outlives the test that started it.
//
// Test-only settings (not part of docs/better-auth.md's configuration):
//   JWKS_ROTATION_INTERVAL, JWKS_GRACE_PERIOD  seconds: the jwt() plugin's
//     jwks.rotationInterval and jwks.gracePeriod. A new key is minted on the
//     first signing after the current one expires.
//   TRUSTED_ORIGINS  comma-separated origins besides the base URL that may
//     call Better Auth with cookies (a frontend on another origin).
import { createServer } from "node:http";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { toNodeHandler } from "better-auth/node";
import { getMigrations } from "better-auth/db/migration";
import { auth as readmeAuth } from "./auth.mjs";

function exitWhenOrphaned() {
  const bye = () => process.exit(0);
  process.on("SIGTERM", bye);
  process.on("SIGINT", bye);
  process.stdin.on("end", bye);
  process.stdin.on("close", bye);
  process.stdin.on("error", bye);
  process.stdin.resume();
}

// withTestSettings returns docs/better-auth.md's auth, or a copy of its options with
// the test-only settings applied.
function withTestSettings(auth) {
  const env = process.env;
  if (!env.JWKS_ROTATION_INTERVAL && !env.TRUSTED_ORIGINS) return auth;
  const jwks = {};
  if (env.JWKS_ROTATION_INTERVAL) jwks.rotationInterval = Number(env.JWKS_ROTATION_INTERVAL);
  if (env.JWKS_GRACE_PERIOD) jwks.gracePeriod = Number(env.JWKS_GRACE_PERIOD);
  const options = { ...auth.options };
  options.plugins = options.plugins.map((p) => (p.id === "jwt" ? jwt({ jwks }) : p));
  if (env.TRUSTED_ORIGINS) options.trustedOrigins = env.TRUSTED_ORIGINS.split(",");
  return betterAuth(options);
}

async function main() {
  exitWhenOrphaned();
  const port = Number(process.env.PORT);
  if (!port || !process.env.BETTER_AUTH_URL || !process.env.BETTER_AUTH_SECRET) {
    throw new Error("set PORT, BETTER_AUTH_URL and BETTER_AUTH_SECRET");
  }
  const auth = withTestSettings(readmeAuth);
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const server = createServer(toNodeHandler(auth));
  server.listen(port, "127.0.0.1", () => {
    console.log(`ready http://127.0.0.1:${port}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
