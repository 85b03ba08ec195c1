import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
django_asgi_app = get_asgi_application()

# autobahn (under daphne) pretty-prints ~40 settings for a debug log line on every new
# WebSocket, whether debug logging is on or not: a reconnect storm pays it for every station
# (the figure: bench/README.md, "autobahn's debug formatting").
# It also colours (click.style) the arguments of a debug line for every frame it sends and every
# handshake, logged or not: 2 % of a server process's time in a closed loop (issue 22).
import autobahn.twisted.websocket  # noqa: E402
import autobahn.websocket.protocol  # noqa: E402

autobahn.websocket.protocol.pformat = lambda _: ""
for _module in (autobahn.websocket.protocol, autobahn.twisted.websocket):
    _module.hltype = _module.hlval = lambda *args, **kwargs: ""

from cpms import ws_denial  # noqa: E402

ws_denial.install()  # a station without valid credentials gets 401, not daphne's bare 403

from cpms import body_limit  # noqa: E402

body_limit.install()  # a body past its path's limit is refused as it arrives, never stored

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import re_path  # noqa: E402

from stations.dashboard.consumer import DashboardConsumer  # noqa: E402
from stations.ocpp.consumer import OcppConsumer  # noqa: E402

# Stations send no Origin header, so the OCPP route takes no origin check; its security is the
# Basic auth (and TLS) checked at the handshake. The dashboard's feed is the browser's: its
# session cookie signs it in, and its Origin must be one of ALLOWED_HOSTS.
dashboard_feed = AllowedHostsOriginValidator(AuthMiddlewareStack(DashboardConsumer.as_asgi()))

application = ProtocolTypeRouter({
    "http": body_limit.BodySizeLimit(django_asgi_app),
    "websocket": URLRouter([
        re_path(r"^ocpp/(?P<tenant>[a-z0-9-]+)/(?P<identity>[^/]+)/?$", OcppConsumer.as_asgi()),
        re_path(r"^ws/dashboard/$", dashboard_feed),
        re_path(r"", ws_denial.not_found),
    ]),
})

from cpms.db_connections import close_connections_after_requests  # noqa: E402
from cpms.gc_tuning import gc_tune  # noqa: E402

close_connections_after_requests()
gc_tune()
