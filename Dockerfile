# syntax=docker/dockerfile:1
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INSTANCE_PATH=/app/instance \
    BIND=0.0.0.0:8000 \
    WEB_CONCURRENCY=4

WORKDIR /app

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app

COPY pyproject.toml README.md ./
COPY campaign ./campaign
COPY schemas ./schemas
RUN pip install --no-cache-dir . && rm -rf build ./*.egg-info

COPY wsgi.py gunicorn.conf.py healthcheck.py ./
RUN mkdir -p /app/instance && chown 10001:10001 /app/instance

USER 10001:10001
# Name it (`-v campaign-instance:/app/instance`): each `docker run` otherwise gets a fresh
# anonymous volume, and a database migrated or seeded by one run is gone for the next.
VOLUME ["/app/instance"]
EXPOSE 8000

# Asks /healthz on the address gunicorn binds, so a changed BIND is followed.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "healthcheck.py"]

CMD ["gunicorn", "wsgi:app"]
