# backchannel's image: the `backchannel` CLI on Python 3.11. docker-compose.yml runs it as
# `worker` (Faust agents) and `ingest --feeds` (connectors producing to Kafka).
#   docker build -t backchannel .
#   docker run --rm backchannel --help
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/backchannel
# Only what the package needs, so editing tests or docs does not invalidate the install layer.
COPY pyproject.toml README.md ./
COPY streams ./streams
COPY agents ./agents
COPY connectors ./connectors
# One article through the pipeline compiles the numba loops into NUMBA_CACHE_DIR, which
# the worker's user owns: numba only uses a cache directory it can write to, so a worker
# starts from this cache instead of compiling (~4 s).
ENV NUMBA_CACHE_DIR=/opt/backchannel/numba-cache
RUN pip install . \
 && useradd --system --uid 10001 --home-dir /var/lib/backchannel --create-home backchannel \
 && echo '{"doc": "warm-up", "text": "The minister held talks with his counterpart."}' \
    | backchannel analyze - --format jsonl >/dev/null \
 && chown -R backchannel /opt/backchannel/numba-cache

# The state directory is created (and owned) in the image so that a named volume mounted on it
# starts with the right owner.
USER backchannel
ENV BACKCHANNEL_STATE_DIR=/var/lib/backchannel \
    BACKCHANNEL_METRICS_HOST=0.0.0.0 \
    BACKCHANNEL_METRICS_PORT=9464
VOLUME ["/var/lib/backchannel"]
EXPOSE 9464

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=4 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/metrics', timeout=4)"]

ENTRYPOINT ["backchannel"]
CMD ["worker"]
