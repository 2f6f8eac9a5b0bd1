# syntax=docker/dockerfile:1
# Podium's sync-server image: the HTTP API, the /sync endpoint and the built client.
# Build from the repository root: docker build -t podium/sync-server .

FROM node:22-bookworm-slim AS base
WORKDIR /app

# Every workspace's dependencies, with the toolchain better-sqlite3 falls back to
# when no prebuilt binary matches.
FROM base AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY sync-server/package.json sync-server/
COPY signal-server/package.json signal-server/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund

# The client bundle, then only the runtime dependencies.
FROM deps AS build
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM base AS runtime
# Stage recordings: janus-pp-rec turns Janus's .mjr files into WebM, ffmpeg muxes them.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg janus-tools \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/shared ./shared
COPY --from=build /app/sync-server/package.json ./sync-server/package.json
COPY --from=build /app/sync-server/src ./sync-server/src
COPY --from=build /app/signal-server/package.json ./signal-server/package.json
COPY --from=build /app/signal-server/src ./signal-server/src
COPY --from=build /app/client/package.json ./client/package.json
COPY --from=build /app/client/dist ./client/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "sync-server/src/main.ts"]
