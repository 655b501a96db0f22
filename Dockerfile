# Production image: gunicorn serves the app (web); the same image runs the Celery worker,
# beat and the one-shot migrate. Built by `docker compose build`; see the README.
# Health checks live in docker-compose.yml, because each service checks something else.
# Front-end packages (Bootstrap, icons, htmx) exactly as package-lock.json pins them; only
# node_modules/ is carried into the final image, where collectstatic gathers what pages use.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm

# PYTHONPATH: the code runs from /app, where templates/, static/ and locale/ sit beside it
# (settings derive BASE_DIR from the code's location), not from the copy pip puts in
# site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=chamber.settings.production \
    CHAMBER_VAR_DIR=/app/var \
    MEDIA_ROOT=/app/media

# gettext: compilemessages. Pango (+ HarfBuzz subsetting): what WeasyPrint needs on Debian.
# fonts-noto-cjk: Chinese glyphs in PDFs; the document stylesheets name it explicitly.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 chamber \
    && useradd --system --uid 10001 --gid chamber --home-dir /app --no-create-home chamber

WORKDIR /app

# Dependencies in their own layer, read from pyproject.toml, so a code change does not
# reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /assets/node_modules ./node_modules

# Production settings refuse to load without SECRET_KEY and the ID-number keys; these
# throw-away ones are used only by these build commands (which touch no data) and kept nowhere. Named volumes start as copies of var/ and
# media/, ownership included, so the non-root user can write to them.
RUN pip install --no-deps . \
    && mkdir -p locale var media \
    && export SECRET_KEY=build-only-not-secret ID_NUMBER_KEYS=YnVpbGQtb25seS1ub3Qtc2VjcmV0LWtleS0wMDAwMDA= \
       ID_NUMBER_DIGEST_KEY=build-only-not-secret \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && python manage.py compilemessages --ignore=staticfiles \
    && chown -R chamber:chamber var media

USER chamber
EXPOSE 8000
# gunicorn also reads GUNICORN_CMD_ARGS from the environment, so compose can tune it.
ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --workers 3 --timeout 60 --access-logfile -"
CMD ["gunicorn", "chamber.wsgi:application"]
