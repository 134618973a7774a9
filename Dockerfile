# Production image. Every step runs through scripts/entrypoint.sh, exactly as scripts/prod_smoke.sh
# runs them in CI (tests/test_deploy_files.py checks that the three stay in step).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DEBUG=False \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
      gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin tusoi \
    && mkdir -p /app && chown tusoi:tusoi /app
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=tusoi:tusoi . .
USER tusoi
# Build-time only: collectstatic signs nothing, but settings want a strong key; a throw-away one is
# generated here. The real SECRET_KEY comes from the environment at run time.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" scripts/entrypoint.sh collectstatic
EXPOSE 8000
ENTRYPOINT ["scripts/entrypoint.sh"]
CMD ["web"]
