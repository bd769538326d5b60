# legday's server in a container; compose.yaml runs it beside PostgreSQL.
# Configured by LEGDAY_* environment variables alone (docs/operations.md lists them).
FROM python:3.12-slim-bookworm

# legday backup/restore run pg_dump, pg_restore and psql of the server's major version:
# Debian 12's PostgreSQL 15 client, as compose.yaml's postgres:15 (keep the two in step).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /build
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install --no-cache-dir '.[server]' && rm -rf /build

# The home (legday.toml, the originals) is a volume; the database is PostgreSQL's ($LEGDAY_DB).
RUN useradd --create-home --uid 10001 legday && mkdir -p /data && chown legday /data
USER legday
WORKDIR /data
ENV LEGDAY_HOME=/data \
    LEGDAY_HOST=0.0.0.0 \
    LEGDAY_PORT=8765
VOLUME /data
EXPOSE 8765

# legday serve upgrades the database's schema before it listens (migrations run at start).
CMD ["legday", "serve"]
