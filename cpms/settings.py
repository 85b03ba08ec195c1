"""Every deployment choice is read from the environment (every variable is in README.md's
configuration table; the two modes are in docs/architecture.md).

Nothing set: the embedded default (SQLite, in-memory channel layer, eager Celery).
DATABASE_URL / REDIS_URL set: PostgreSQL, channels-redis and a real Celery broker.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cpms.env import env_bool, env_float, env_int, env_ints, env_list, env_range, env_str
from cpms.production import production_problems

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)
# Signs sessions and reset links, and encrypts the tenants' CA keys (deploy/README.md, rotation).
SECRET_KEY = env_str("SECRET_KEY") or ("dev-only-insecure-key-do-not-use-in-production" if DEBUG
                                       else "")
# Older keys still accepted for sessions and reset links after a rotation (deploy/README.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["*"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc from static/ (no CDN)
    "django_htmx",
    "tenants",
    "stations",
    "stations.firmware",
    "stations.authlist",
    "stations.reservations",
    "stations.smartcharging",
    "stations.security",
    "stations.displaymessages",
    "billing",
    "loadmgmt",
    "alerts",
    "webhooks",
    "audit",
    "locations",
    "reports",
    "portability",
    "cpms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cpms.security_headers.ContentSecurityPolicyMiddleware",
    "cpms.outage.OutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditMiddleware",  # who writes: the audit log's context (docs/audit.md)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cpms.urls"
ASGI_APPLICATION = "cpms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {{ value|when }}: every moment in the tenant's locale and time zone
            "builtins": ["cpms.templatetags.when"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
    # How the server's connections are named in pg_stat_activity (e.g. per role: web, worker).
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = env_str(
        "DB_APPLICATION_NAME", "cpms")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Several threads of one process write: wait for the lock instead of failing.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and Celery broker ----------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times reads out after 5 s by default, exactly channels-redis'
                # 5 s BZPOPMIN: under load every consumer's receive raised and the station
                # link dropped. Reads must outlast the blocking pop.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "prefix": env_str("CHANNEL_PREFIX", "cpms"),
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Report rollups of today and yesterday; closes the connection periods of dead processes
    # (docs/reports.md)
    "rollup-reports": {"task": "reports.tasks.rollup_recent",
                       "schedule": env_float("REPORTS_ROLLUP_INTERVAL", 900.0)},
    "purge-ocpp-messages": {"task": "stations.tasks.purge_ocpp_messages", "schedule": 3600.0},
    "expire-reservations": {"task": "stations.reservations.tasks.expire_reservations",
                            "schedule": 60.0},
    "rebalance-load-groups": {"task": "loadmgmt.tasks.rebalance_all",
                              "schedule": env_float("LOAD_REBALANCE_INTERVAL", 60.0)},
    "price-sessions-due": {"task": "billing.tasks.price_sessions_due", "schedule": 60.0},
    "close-orphan-sessions": {"task": "stations.tasks.close_orphan_sessions",
                              "schedule": env_float("SESSION_CLOSE_INTERVAL", 60.0)},
    # Hourly; each tenant's previous month is invoiced on the 1st and 2nd in its own time zone.
    "invoice-runs-monthly": {"task": "billing.tasks.invoice_runs_monthly", "schedule": 3600.0},
    "fail-stalled-file-jobs": {"task": "stations.firmware.tasks.fail_stalled_jobs",
                               "schedule": env_float("OCPP_STALL_CHECK_INTERVAL", 60.0)},
    # Operations (docs/alerts.md, docs/webhooks.md, docs/audit.md)
    "evaluate-alerts": {"task": "alerts.tasks.evaluate_alerts",
                        "schedule": env_float("ALERT_EVALUATE_INTERVAL", 60.0)},
    "deliver-alerts": {"task": "alerts.tasks.deliver_alerts",
                       "schedule": env_float("ALERT_DELIVER_INTERVAL", 30.0)},
    "deliver-webhooks-due": {"task": "webhooks.tasks.deliver_due",
                             "schedule": env_float("WEBHOOK_SWEEP_INTERVAL", 15.0)},
    "purge-audit-entries": {"task": "audit.tasks.purge_audit_entries", "schedule": 3600.0},
}

# --- Alerts, webhooks and the audit log (docs/alerts.md, docs/webhooks.md, docs/audit.md) --
# Alerts opened (or resolved) since the last delivery are told one by one up to this many per
# tenant; more make one summary (a server restart dropping a fleet, a site losing power).
ALERT_BURST_THRESHOLD = env_int("ALERT_BURST_THRESHOLD", 10)
# An alert is told once it has been open this long (a flap shorter than this tells no one).
ALERT_NOTIFY_DELAY = env_float("ALERT_NOTIFY_DELAY", 0.0)
# The links in alert e-mails point at PUBLIC_BASE_URL (the dashboard's address, below).
WEBHOOK_TIMEOUT = env_float("WEBHOOK_TIMEOUT", 10.0)  # seconds per HTTP attempt
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 12)  # then the delivery is dead
WEBHOOK_BACKOFF_BASE = env_float("WEBHOOK_BACKOFF_BASE", 30.0)  # seconds; doubles per attempt
WEBHOOK_BACKOFF_MAX = env_float("WEBHOOK_BACKOFF_MAX", 6 * 3600.0)
# Consecutive failed attempts after which an endpoint is disabled (with an alert).
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 30)
# Endpoints on loopback or private addresses (tests, an integration on the same host); off in
# production unless set.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)
# The PEM certificate the TLS proxy serves to stations and browsers (deploy/nginx.conf's
# ssl_certificate); set, its expiry is an alert for the tenants with stations on TLS.
TLS_CERTIFICATE_FILE = env_str("TLS_CERTIFICATE_FILE")
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730)  # 0: keep forever

# --- Sites' map (docs/locations.md) ----------------------------------------------------------
# Map tiles for Leaflet ({z}/{x}/{y}); blank: the sites page shows its list without a map.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')

# On the embedded default (no Redis, tasks run eagerly) the server process runs this schedule
# itself (stations/ocpp/embedded_beat.py); with Redis, `celery beat` does.
EMBEDDED_BEAT = env_bool("EMBEDDED_BEAT", True)

# --- The session lifecycle (docs/sessions.md) ---------------------------------------------
# A session whose connector was reported free (Available or a new Preparing), or that its station
# no longer knows, is closed by the backend when no StopTransaction came within this long
# (stations deliver the stops they queued soon after they reconnect).
SESSION_STOP_GRACE_SECONDS = env_int("SESSION_STOP_GRACE_SECONDS", 300)
# A session whose station has sent nothing at all for this long is closed by the backend.
SESSION_SILENT_HOURS = env_int("SESSION_SILENT_HOURS", 48)
# A 2.0.1 station is told a running session's cost (CostUpdated) at most this often.
COST_UPDATE_SECONDS = env_int("COST_UPDATE_SECONDS", 60)
# A 2.0.1 station's monitor of this severity or worse (0 Danger .. 9 Debug) alerting shows its
# connector Faulted (docs/ocpp201.md, monitoring and events).
EVENT_FAULT_SEVERITY = env_int("EVENT_FAULT_SEVERITY", 2)

# --- Load management (loadmgmt/) -------------------------------------------------------------
# Triggers within this many seconds make one rebalance of a group.
LOAD_REBALANCE_DEBOUNCE = env_float("LOAD_REBALANCE_DEBOUNCE", 2.0)
# The load manager's profiles: ids LOAD_PROFILE_ID (TxDefaultProfile, connector 0) and
# LOAD_PROFILE_ID + n (TxProfile, connector n), at this stack level.
LOAD_PROFILE_ID = env_int("LOAD_PROFILE_ID", 9000)
LOAD_STACK_LEVEL = env_int("LOAD_STACK_LEVEL", 1)
# A TxProfile rejected this soon after its transaction began is sent again (the station may not
# have read our StartTransaction answer yet) before it counts as a refusal.
LOAD_EARLY_REJECTION_SECONDS = env_float("LOAD_EARLY_REJECTION_SECONDS", 10.0)
# A station that refused a profile is tried again after this long (and at its next boot).
LOAD_RETRY_REFUSED_SECONDS = env_int("LOAD_RETRY_REFUSED_SECONDS", 3600)
# A measured base load older than this is stale: the fixed base_load_current holds instead.
LOAD_BASE_LOAD_STALE_SECONDS = env_int("LOAD_BASE_LOAD_STALE_SECONDS", 300)

# --- Auth, i18n, static ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Password reset mails: printed to the server's console unless an SMTP host is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                        else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# In production the server refuses to start without a mail server unless this says the links
# may go to the log (cpms/production.py).
ALLOW_CONSOLE_EMAIL = env_bool("ALLOW_CONSOLE_EMAIL", False)
AUTHENTICATION_BACKENDS = ["cpms.login_throttle.ThrottledModelBackend"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cpms@localhost")
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["tenants.auth.TenantTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.permissions.RolePermission"],  # tenant + token role
    "DEFAULT_PAGINATION_CLASS": "cpms.pagination.CappedLimitOffsetPagination",  # limit <= 1000
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "cpms.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CPMS API",
    "DESCRIPTION": "Multi-tenant OCPP 1.6-J central system",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "cpms.api_schema.document_common_errors"],
    # Choice sets that share a field name get names of their own (else drf_spectacular.W001).
    "ENUM_NAME_OVERRIDES": {
        "ChargingProfileFailureEnum": "stations.smartcharging.models.Failure",
        "FileJobFailureEnum": "stations.firmware.models.JobFailure",
        "IdTagStatusEnum": "stations.models.idtag.IdTagStatus",
        "TokenTypeEnum": "stations.models.idtag.IdTokenType",  # a token's type, whatever the field
        "ReservationStatusEnum": "stations.reservations.models.ReservationStatus",
        "LocalListUpdateStatusEnum": "stations.authlist.models.UpdateStatus",
        "ChargingProfileAnswerEnum": "stations.smartcharging.models.Answer",
        "AttributeTypeEnum": "stations.models.device_model.AttributeType",
        "AlertKindEnum": "alerts.models.AlertKind",
        # A root certificate's type by either version's name; an issued one's by 2.0.1's
        "RootCertificateTypeEnum": ["CSMSRootCertificate", "ManufacturerRootCertificate",
                                    "V2GRootCertificate", "MORootCertificate",
                                    "V2GCertificateChain", "CentralSystemRootCertificate"],
        "IssuedCertificateTypeEnum": ["ChargingStationCertificate", "V2GCertificate"],
        # A profile's purpose as stored (1.6's names), and as taken (either version's)
        "ChargingProfilePurposeEnum": "stations.smartcharging.models.Purpose",
        "ChargingProfilePurposeWordEnum": "stations.smartcharging.serializers.PURPOSES",
        "DisplayMessageStateEnum": "stations.displaymessages.models.MessageState",
        "DisplayMessageStatusEnum": "stations.displaymessages.models.Status",
    },
}

# --- OCPP ----------------------------------------------------------------------------------
OCPP_HEARTBEAT_INTERVAL = env_int("OCPP_HEARTBEAT_INTERVAL", 300)
# Seconds a station held Pending or Rejected waits before it boots again (docs/ocpp201.md).
OCPP_PENDING_RETRY_SECONDS = env_int("OCPP_PENDING_RETRY_SECONDS", 60)
# Seconds the backend waits for a station's answer to one CALL.
OCPP_CALL_TIMEOUT = env_float("OCPP_CALL_TIMEOUT", 30.0)
# Seconds an API command request waits in all (queue + call) before answering 504.
OCPP_COMMAND_TIMEOUT = env_float("OCPP_COMMAND_TIMEOUT", 40.0)
# Days the OCPP frame log is kept.
OCPP_MESSAGE_RETENTION_DAYS = env_int("OCPP_MESSAGE_RETENTION_DAYS", 30)
# Bytes of a frame's payload the frame log keeps; a bigger one is stored as its size and its
# first characters (a station decides how big its frames are; the log keeps them for days).
OCPP_MESSAGE_LOG_MAX_BYTES = env_int("OCPP_MESSAGE_LOG_MAX_BYTES", 64 * 1024)
# A server process beats this often; a process silent for PRESENCE_TIMEOUT is taken for dead
# and its stations for disconnected.
PRESENCE_BEAT_SECONDS = env_float("PRESENCE_BEAT_SECONDS", 3.0)
PRESENCE_TIMEOUT_SECONDS = env_float("PRESENCE_TIMEOUT_SECONDS", 10.0)
# Group commit of station traffic: a batch is written at most this many seconds after its
# first item, or as soon as it holds OCPP_BATCH_MAX items.
OCPP_BATCH_DELAY = env_float("OCPP_BATCH_DELAY", 0.02)
OCPP_BATCH_MAX = env_int("OCPP_BATCH_MAX", 2000)
# Threads that run the ORM for station traffic in each server process.
OCPP_DB_THREADS = env_int("OCPP_DB_THREADS", 8)
# Threads for what comes after an answer (follow-ups: connection periods, alerts, load groups),
# so that it never queues before a station's handshake or answer.
OCPP_DB_BACKGROUND_THREADS = env_int("OCPP_DB_BACKGROUND_THREADS", 4)
# The server processes' garbage-collection thresholds (see cpms/gc_tuning.py).
PYTHON_GC_THRESHOLDS = env_ints("PYTHON_GC_THRESHOLDS", (50_000, 50, 100))
# Public base of the station link, shown to installers, e.g. wss://cpms.example.com. Unset: the
# address the installer reached the server at (ws/wss and the request's host), or for a command
# the address the server was started on (stations/selectors.py, ocpp_base_url).
OCPP_PUBLIC_URL = env_str("OCPP_PUBLIC_URL", "")
# OCPP Security profiles 2 and 3 (TLS, client certificates) end TLS at the proxy (deploy/nginx),
# which says so in X-Forwarded-Proto and X-SSL-Client-Cert. Set to 1 only when the server
# processes are reachable through that proxy alone (see stations/security/profiles.py).
OCPP_TRUST_PROXY_HEADERS = env_bool("OCPP_TRUST_PROXY_HEADERS", False)
# Public base of the HTTP(S) side, for URLs stations fetch or upload to (firmware files,
# diagnostics and log uploads), e.g. https://cpms.example.com
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://localhost:8000")
# Uploaded and received files (firmware images, diagnostics, logs, invoices)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# The largest file accepted: a firmware image an operator uploads, a diagnostics or log file a
# station uploads (deploy/nginx.conf's client_max_body_size must not be below it).
OCPP_UPLOAD_MAX_BYTES = env_int("OCPP_UPLOAD_MAX_BYTES", 100 * 1024 * 1024)
# The largest body of any other request (API JSON, forms, a seller's logo): a bigger one is
# refused with 413 as it arrives, before anything stores it (cpms/body_limit.py).
HTTP_BODY_MAX_BYTES = env_int("HTTP_BODY_MAX_BYTES", 10 * 1024 * 1024)
# FTP for stations that fetch firmware and upload files only over FTP (docs/file-transfer.md):
# `manage.py serve` starts one FTP server per node when FTP_ENABLED. FTP_PUBLIC_URL is what the
# stations reach (default: PUBLIC_BASE_URL's host on FTP_PORT); FTP_MASQUERADE_ADDRESS the IP
# given in passive replies behind NAT; the passive ports are a range "first-last".
# The address `manage.py serve` listens on: the proxy in front reaches it there (deploy/).
SERVE_HOST = env_str("SERVE_HOST", "127.0.0.1")
FTP_ENABLED = env_bool("FTP_ENABLED", True)
FTP_HOST = env_str("FTP_HOST", "0.0.0.0")
FTP_PORT = env_int("FTP_PORT", 2121)
FTP_PASSIVE_PORTS = env_range("FTP_PASSIVE_PORTS", (30000, 30049))
FTP_PUBLIC_URL = env_str("FTP_PUBLIC_URL") or f"ftp://{urlsplit(PUBLIC_BASE_URL).hostname}:{FTP_PORT}"
FTP_MASQUERADE_ADDRESS = env_str("FTP_MASQUERADE_ADDRESS")
# A firmware job or upload request with no status notification for this many seconds (from its
# sending, its retrieve date or its last status) ends as failed; its credential expires then.
OCPP_FIRMWARE_STALL_SECONDS = env_int("OCPP_FIRMWARE_STALL_SECONDS", 2 * 3600)
OCPP_UPLOAD_STALL_SECONDS = env_int("OCPP_UPLOAD_STALL_SECONDS", 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        "django.channels.server": {"level": "WARNING"},
        "ocpp": {"level": "WARNING"},
    },
}

# Seconds between the dashboard feed's checks that its session and membership still hold.
DASHBOARD_RECHECK_SECONDS = env_float("DASHBOARD_RECHECK_SECONDS", 30.0)

# --- ISO 15118 PKI (docs/pki.md) -----------------------------------------------------------------
# Who answers Get15118EVCertificate, GetCertificateStatus and contract-certificate Authorize:
# "builtin" (a test PKI on each tenant's CA, for development and tests) or "http" (an operator's
# PKI service at PKI_HTTP_URL, JSON over HTTPS, Bearer PKI_HTTP_TOKEN).
PKI_BACKEND = env_str("PKI_BACKEND", "builtin")
PKI_HTTP_URL = env_str("PKI_HTTP_URL").rstrip("/")
PKI_HTTP_TOKEN = env_str("PKI_HTTP_TOKEN")
PKI_HTTP_TIMEOUT = env_float("PKI_HTTP_TIMEOUT", 5.0)  # seconds; a station waits on it
if PKI_BACKEND not in ("builtin", "http"):
    raise ImproperlyConfigured(f"PKI_BACKEND={PKI_BACKEND!r}: builtin or http")
if PKI_BACKEND == "http" and not PKI_HTTP_URL:
    raise ImproperlyConfigured("PKI_BACKEND=http needs PKI_HTTP_URL")
if PKI_BACKEND == "http" and not DEBUG and not PKI_HTTP_URL.startswith("https://"):
    raise ImproperlyConfigured("PKI_HTTP_URL must be https:// in production (contracts, a token)")

# --- Caches: throttling counters (Redis with REDIS_URL, so every process counts together) ----
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL,
                          "KEY_PREFIX": env_str("CACHE_PREFIX", env_str("CHANNEL_PREFIX", "cpms"))}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Failed sign-ins (cpms/login_throttle.py) and failed station handshakes
# (stations/ocpp/handshake_throttle.py): this many within the window lock the account, station
# identity or address out for the rest of it. Successes never count.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
OCPP_HANDSHAKE_FAILURES_PER_IDENTITY = env_int("OCPP_HANDSHAKE_FAILURES_PER_IDENTITY", 10)
OCPP_HANDSHAKE_FAILURES_PER_ADDRESS = env_int("OCPP_HANDSHAKE_FAILURES_PER_ADDRESS", 50)
OCPP_HANDSHAKE_LOCKOUT_SECONDS = env_int("OCPP_HANDSHAKE_LOCKOUT_SECONDS", 60)

# --- TLS, cookies and headers ------------------------------------------------------------------
# Behind the proxy of deploy/ (OCPP_TRUST_PROXY_HEADERS) its X-Forwarded-Proto says https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if OCPP_TRUST_PROXY_HEADERS else None
# Served over https (production's default): cookies only over TLS, HSTS, http redirected.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
# Everything the pages load is ours (static/, no CDN, no inline script); the feed is a WebSocket
# to the same host. The API docs page (Swagger UI, served from static/ by drf-spectacular-sidecar)
# has its own policy.
CONTENT_SECURITY_POLICY = env_str("CONTENT_SECURITY_POLICY", "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "connect-src 'self' ws: wss:", "font-src 'self'",
    "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"]))

if not DEBUG:
    _problems = production_problems(
        secret_key=SECRET_KEY, email_backend=EMAIL_BACKEND, allow_console_email=ALLOW_CONSOLE_EMAIL,
        allowed_hosts=ALLOWED_HOSTS, ssl_redirect=SECURE_SSL_REDIRECT,
        trust_proxy=OCPP_TRUST_PROXY_HEADERS)
    if _problems:
        raise ImproperlyConfigured("Production (DJANGO_DEBUG=0) needs: " + "; ".join(_problems))
