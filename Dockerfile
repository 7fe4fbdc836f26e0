FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY models models
COPY locales locales
RUN pip install --no-cache-dir .
ENV HTTP_HOST=0.0.0.0
EXPOSE 8080
CMD ["kenesh", "serve"]
