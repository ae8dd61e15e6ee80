# syntax=docker/dockerfile:1
# Multi-stage: cargo-chef caches the dependency build; the runtime image holds one binary.
FROM rust:1-bookworm AS chef
RUN cargo install cargo-chef --locked
WORKDIR /app

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /app/recipe.json recipe.json
RUN cargo chef cook --release --no-default-features --recipe-path recipe.json --bin hailong
COPY . .
# No development tools (demo, development e-ID provider, bench commands) in production.
RUN cargo build --release --no-default-features --bin hailong

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --create-home hailong
COPY --from=builder /app/target/release/hailong /usr/local/bin/hailong
USER hailong
WORKDIR /data
# The SQLite file and the generated secret live on the volume.
VOLUME ["/data"]
ENV HAILONG_DATABASE_URL=sqlite:///data/hailong.db \
    HAILONG_SECRET_FILE=/data/hailong.secret \
    HAILONG_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl --fail --silent http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["hailong"]
CMD ["serve"]
