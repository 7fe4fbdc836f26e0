FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY models models
COPY locales locales
# The code is root's and read-only to the bot; the bot runs as kenesh (uid 10001, numeric so
# that a runtime checking "non-root" can verify it) in /data, the one place it may write (a
# SQLite ./kenesh.db or an .env when no PostgreSQL and no environment are given).
RUN pip install --no-cache-dir . \
    && groupadd --system --gid 10001 kenesh \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --create-home \
        --shell /usr/sbin/nologin kenesh
USER 10001:10001
WORKDIR /data
ENV HTTP_HOST=0.0.0.0
EXPOSE 8080
# slim has no curl: python asks /healthz (200 when the database answers, 503 otherwise, which
# urlopen raises on), on the port the bot listens on
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('HTTP_PORT', '8080') + '/healthz', timeout=4)"
CMD ["kenesh", "serve"]
