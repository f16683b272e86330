FROM python:3.12-slim
# WeasyPrint needs Pango; everything else comes from PyPI.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz0b fonts-dejavu-core postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/main.txt /app/requirements/main.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/main.txt
COPY . /app
RUN pip install --no-cache-dir --no-deps .
# Static files are collected here, at build time and as root: the running user cannot write /app.
# The secret is a build-only placeholder (settings refuse to load without one); it never reaches a
# running container, which takes DJANGO_SECRET_KEY from .env.
RUN DJANGO_SECRET_KEY=build-time-placeholder-not-used-at-runtime python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/private_media && chown app /app/private_media
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
