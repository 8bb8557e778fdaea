// Signs an HS256 token with BETTER_AUTH_SECRET the way Next.js frontends do
// with jose, and prints it:
//
//   BETTER_AUTH_SECRET=... node sign-hs256.mjs USER_ID [EMAIL]
import { SignJWT } from "jose";

const [sub, email = `${sub}@example.test`] = process.argv.slice(2);
if (!sub || !process.env.BETTER_AUTH_SECRET) {
  console.error("usage: BETTER_AUTH_SECRET=... node sign-hs256.mjs USER_ID [EMAIL]");
  process.exit(2);
}
const secret = new TextEncoder().encode(process.env.BETTER_AUTH_SECRET);
const token = await new SignJWT({ email })
  .setProtectedHeader({ alg: "HS256" })
  .setSubject(sub)
  .setIssuedAt()
  .setExpirationTime("15m")
  .sign(secret);
console.log(token);
