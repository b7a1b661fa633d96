import { defineConfig } from "vite";

// The built app is embedded in the kairos binary (crates/web) and served at `/`, its
// files under `/assets/`. In development, `npm run dev` proxies the server's API.
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets", sourcemap: false },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8008",
      "/dav": "http://127.0.0.1:8008",
      "/login": "http://127.0.0.1:8008",
      "/logout": "http://127.0.0.1:8008",
      "/static": "http://127.0.0.1:8008",
    },
  },
});
