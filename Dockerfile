# Lore service image. Build: docker build -t lore .   Run with Qdrant: docker compose up
# Debian (glibc), not Alpine: node-llama-cpp, onnxruntime-node and sqlite-vec ship glibc binaries.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# Toolchain only for the fallback when better-sqlite3 has no prebuilt binary for this Node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# CPU-only: no CUDA download for onnxruntime, no llama.cpp source build (prebuilt binaries are used).
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
# Dependencies first so source edits reuse this layer; the root `prepare` (tsc) needs src, so scripts run after.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
WORKDIR /app
# llama.cpp CPU builds may link OpenMP; tini forwards SIGTERM so Lore closes cleanly.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    LORE_HOST=0.0.0.0 \
    LORE_PORT=8080 \
    LORE_DATA_DIR=/data \
    LORE_MODELS_DIR=/data/models \
    LORE_KNOWLEDGE_DIR=/app/knowledge
COPY --from=build /app /app
RUN mkdir -p /data/models && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# node directly, not `npm start`: its prestart runs tsc, which `npm prune --omit=dev` removed (a
# spurious error on every start), and npm → sh → node would stand between tini's SIGTERM and Lore.
CMD ["node", "bin/lore.js", "serve"]
