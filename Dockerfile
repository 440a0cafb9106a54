# One image for the api, worker and beat services of docker-compose.yml.
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY clinidex clinidex
COPY ingest ingest
COPY workers workers
COPY index index
COPY api api
RUN pip install --no-cache-dir . && useradd --system clinidex
USER clinidex
ENV OMP_THREAD_LIMIT=1
