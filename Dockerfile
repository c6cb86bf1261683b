# whatsapp-mcp-api: Debian slim with Debian's Chromium. Not built or run on our CI machines (no
# Docker engine there); see README "Container".

FROM node:24-bookworm-slim AS build
# better-sqlite3 is a native addon: npm ci fetches its prebuilt binary, or compiles it with these.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# .puppeteerrc.cjs keeps npm ci from downloading a browser: the image uses Debian's chromium.
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Same Node major as the build stage: the addon copied with node_modules is built for its ABI.
FROM node:24-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium tini fonts-liberation ca-certificates \
  && rm -rf /var/lib/apt/lists/*
# Listening on all interfaces of the container requires WHATSAPP_API_KEY (the server refuses to
# start without it). Chrome's own sandbox needs privileges a container does not have by default:
# the container is the sandbox.
ENV NODE_ENV=production \
    WHATSAPP_MCP_HOST=0.0.0.0 \
    WHATSAPP_MCP_PORT=8790 \
    WHATSAPP_AUTH_DIR=/data/auth \
    WHATSAPP_CHROME_EXECUTABLE=/usr/bin/chromium \
    WHATSAPP_HEADLESS=true \
    WHATSAPP_CHROME_ARGS=--no-sandbox
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
RUN mkdir -p /data/auth && chown node:node /data/auth && chmod 700 /data/auth
USER node
# The linked device: keep it on a volume so restarts reconnect without pairing again.
VOLUME ["/data/auth"]
EXPOSE 8790
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8790/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini reaps Chrome's helper processes and forwards SIGTERM, so shutdown closes Chrome cleanly.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
