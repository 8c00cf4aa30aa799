# IncidentBench container image: one image for every role (coordinator, ingest and query workers, operator, CLI).
# Multi-stage on node:20-slim: the build stage compiles TypeScript; the runtime stage holds production dependencies
# only, runs as the non-root `node` user (uid 1000) and starts the `incidentbench` CLI.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
# tsconfig also includes test/ and bench/; only src/ is copied, so only the program is compiled.
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="incidentbench" \
      org.opencontainers.image.description="Resilience benchmark for log analytics platforms: a log surge and a query storm at once." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/incidentbench/incidentbench"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/src ./dist/src
# scenarios: the built-in scenarios; docs: run.json's JSON Schema, read at run time.
COPY scenarios ./scenarios
COPY docs ./docs
USER 1000
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["--help"]
