import { defineConfig } from "vite";

// The built app is embedded in the kairos binary (crates/web) and served at `/`, its
// files under `/assets/`. In development, `npm run dev` proxies the server's API.
// Node's `process`, without pulling in all of @types/node for one variable.
declare const process: { env: Record<string, string | undefined> };

// `KAIROS_URL` names the server `npm run dev` proxies to (default 127.0.0.1:8008).
const server = process.env.KAIROS_URL ?? "http://127.0.0.1:8008";

export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets", sourcemap: false },
  server: {
    proxy: {
      "/api": server,
      "/dav": server,
      "/login": server,
      "/logout": server,
      "/static": server,
      "/public": server,
    },
  },
});
