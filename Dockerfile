FROM python:3.12-slim
# WeasyPrint needs Pango; everything else comes from PyPI.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz0b fonts-dejavu-core postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/main.txt /app/requirements/main.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/main.txt
COPY . /app
RUN pip install --no-cache-dir --no-deps .
RUN useradd --create-home app && mkdir -p /app/private_media && chown app /app/private_media
USER app
EXPOSE 8000
