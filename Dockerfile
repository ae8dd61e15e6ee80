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
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/hailong --create-home hailong \
    && chmod 0700 /var/lib/hailong
COPY --from=builder /app/target/release/hailong /usr/local/bin/hailong
USER hailong
# The same user, paths and variables as the Debian package (packaging/): the SQLite file and
# the generated secret live in /var/lib/hailong, here a volume.
WORKDIR /var/lib/hailong
VOLUME ["/var/lib/hailong"]
ENV HAILONG_DATABASE_URL=sqlite:///var/lib/hailong/hailong.db \
    HAILONG_SECRET_FILE=/var/lib/hailong/hailong.secret \
    HAILONG_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl --fail --silent http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["hailong"]
CMD ["serve"]
