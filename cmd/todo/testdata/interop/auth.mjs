// The Better Auth server configuration docs/better-auth.md shows, as it
// shows it. Better Auth reads BETTER_AUTH_URL (its
// base URL: the tokens' iss and aud) and BETTER_AUTH_SECRET from the
// environment; server.mjs sets both and runs in a fresh directory, so
// auth.db is per test.
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import Database from "better-sqlite3";

export const auth = betterAuth({
  database: new Database("auth.db"),
  emailAndPassword: { enabled: true },
  plugins: [jwt()],
});
