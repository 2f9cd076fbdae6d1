# newsdesk: the Discord bot (default) and the `newsdesk` command line.
#
#   docker build -t newsdesk .
#   docker run -d --name newsdesk --env-file .env -v newsdesk-data:/data newsdesk
#   docker run --rm -v newsdesk-data:/data newsdesk ask "What did Kim say about hostile forces?"
#
# BASE_IMAGE may be any Debian-like image with python3 (>= 3.11) and its venv module;
# the tests build on a local Debian bookworm image made with debootstrap.
ARG BASE_IMAGE=python:3.12-slim
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="newsdesk" \
      org.opencontainers.image.description="Discord bot and console answering questions about news articles with cited BM25 passages" \
      org.opencontainers.image.licenses="MIT"

# The image fixes the database path, so NEWSDESK_CREATE_DB lets `run` and `ask` create it on an
# empty volume (with the bundled sample); `ingest` into an empty volume starts without it.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    NEWSDESK_DB=/data/newsdesk.db \
    NEWSDESK_CREATE_DB=true \
    NEWSDESK_HEARTBEAT_FILE=/tmp/newsdesk.heartbeat

# One layer: the pinned, hash-checked dependencies from requirements.lock, then the project
# itself without resolving anything again (no test/dev extras), into a venv; then pip and
# setuptools removed from it. Only the files the package needs are copied, for the build only
# (buildah bind-mounts the raw context, .dockerignore aside); a system user without a shell
# owns /data.
RUN --mount=type=bind,target=/usr/src/newsdesk \
    mkdir /tmp/newsdesk-src \
    && cp -r /usr/src/newsdesk/pyproject.toml /usr/src/newsdesk/README.md \
       /usr/src/newsdesk/requirements.lock /usr/src/newsdesk/bot /usr/src/newsdesk/corpus \
       /usr/src/newsdesk/retrieval /tmp/newsdesk-src/ \
    && python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps --require-hashes \
       -r /tmp/newsdesk-src/requirements.lock \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps /tmp/newsdesk-src \
    && /opt/venv/bin/pip uninstall --yes --quiet pip setuptools \
    && rm -rf /tmp/newsdesk-src \
    && groupadd --system --gid 10001 newsdesk \
    && useradd --system --uid 10001 --gid newsdesk --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin newsdesk \
    && mkdir -p /data \
    && chown newsdesk:newsdesk /data

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]

# Healthy when the database opens and the bot's gateway heartbeat file is under 60 s old.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.health"]

# `newsdesk run` closes the Discord connection and the database on SIGTERM and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["newsdesk"]
CMD ["run"]
