# syntax=docker/dockerfile:1
# Curator: one image, several roles (serve, mcp, ingest, demo). Data lives in the /data volume.
# It listens on 0.0.0.0, so `serve` needs WEB_AUTH_TOKEN (people sign in with it):
#   docker run -p 3000:3000 -e WEB_AUTH_TOKEN=… -v curator:/data curator

FROM node:22-bookworm-slim AS deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
# Fonts the demo library and text rendering expect: DejaVu for Latin, Noto CJK for ja-JP cuts.
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-noto-cjk fontconfig ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The web chat's page, built once here (the runtime user cannot write into /app).
RUN node --import tsx web-chat/ui-build.ts
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/curator.js"]
CMD ["serve"]
