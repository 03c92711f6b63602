/**
 * The machine API of app.ts as a Node server: `npm run example:machine-keys`. At start it creates a service account
 * (`preset://machine`) and prints one key to call the API with, e.g.
 *
 *     curl -H "Authorization: Bearer $KEY" http://127.0.0.1:8787/reports
 *
 * In memory: the account and its key last as long as the process. Set `IDKIT_SECRET` (16+ characters) to sign keys
 * with your own secret instead of a random one.
 */
import { serve } from "@hono/node-server";
import { IdentityManager } from "idkit";
import { createApp } from "./app.js";

const idm = new IdentityManager({
  secrets: [process.env.IDKIT_SECRET ?? crypto.randomUUID()],
  apiKeys: { prefix: "demo" },
});
const account = await idm.createIdentity({
  schema_id: "preset://machine",
  traits: { name: "nightly-reports", owner: "platform-team" },
});
const { key } = await idm.createApiKey({
  identity_id: account.id,
  name: "nightly job",
  scopes: ["reports:read"],
  expires_in: "720h",
});
const port = Number(process.env.PORT ?? 8787);
serve({ fetch: createApp(idm).fetch, port, hostname: "127.0.0.1" });
console.log(`listening on http://127.0.0.1:${port}\nKEY=${key}`);
