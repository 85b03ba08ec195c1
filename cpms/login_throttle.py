"""Sign-ins are throttled per account and per address (issue 16, finding 8): after
LOGIN_FAILURES_PER_ACCOUNT failed passwords for one username, or LOGIN_FAILURES_PER_ADDRESS from
one address, every sign-in of it is refused for LOGIN_LOCKOUT_SECONDS, right password or not.
The check sits in the authentication backend, so the dashboard's login, the admin's and any
other form that authenticates share it; the login page says so with a 429."""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from cpms import throttle
from cpms.client_address import request_address

LOCKED_MESSAGE = "Too many failed sign-ins. Try again in {minutes} minutes."


def _keys(request, username: str | None) -> dict[str, int]:
    account = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    keys = {f"login-fail:account:{account}": settings.LOGIN_FAILURES_PER_ACCOUNT}
    if request is not None:
        keys[f"login-fail:address:{request_address(request.META)}"] = settings.LOGIN_FAILURES_PER_ADDRESS
    return keys


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        keys = _keys(request, username or kwargs.get("email"))
        if throttle.locked(list(keys), keys):
            if request is not None:
                request.login_throttled = True
            raise PermissionDenied("too many failed sign-ins")  # no other backend is asked
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "login_throttled", False):
        return  # a refusal while locked out does not extend the lock
    throttle.record_failure(list(_keys(request, credentials.get("username"))),
                            settings.LOGIN_LOCKOUT_SECONDS)


@receiver(user_logged_in)
def _forget_account_failures(sender, request, user, **kwargs):
    """A right password clears its account's count (never its address's: one valid account must
    not let an address guess on)."""
    for key in _keys(None, user.get_username()):
        throttle.forget(key)


class LoginView(auth_views.LoginView):
    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(self.request, "login_throttled", False):
            minutes = -(-settings.LOGIN_LOCKOUT_SECONDS // 60)
            form.errors.clear()
            form.add_error(None, LOCKED_MESSAGE.format(minutes=minutes))
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
        return response
