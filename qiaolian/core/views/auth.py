"""Login, logout, password change and reset, and the TOTP second factor."""

import time

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qiaolian.core import audit
from qiaolian.core.forms import LoginForm, OTPTokenForm
from qiaolian.core.models import LoginEvent
from qiaolian.core.tasks import enqueue_on_commit, send_password_reset


class LoginView(auth_views.LoginView):
    template_name = "core/auth/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        now = int(time.time())
        self.request.session["auth_started"] = now
        self.request.session["last_seen"] = now
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/auth/password_change.html"
    success_url = reverse_lazy("core:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user  # the authenticated user whose password changed
        audit.record(actor=user, action="user.change_own_password", obj=user, unit=user.home_unit)
        messages.success(self.request, _("Your password was changed."))
        return response


class QueuedPasswordResetForm(PasswordResetForm):
    """Queues one task per request, whatever the address: the task looks the accounts up and
    sends the mail. The request does the same work for a known and an unknown address, so
    its timing cannot tell which addresses have accounts (issue 10, finding 6)."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):  # type: ignore[override]
        enqueue_on_commit(
            send_password_reset,
            email=self.cleaned_data["email"],
            domain=domain_override or (request.get_host() if request else "localhost"),
            use_https=use_https,
            language=get_language() or "zh-hans",
        )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/auth/password_reset.html"
    email_template_name = "core/auth/password_reset_email.txt"
    subject_template_name = "core/auth/password_reset_subject.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("core:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/auth/password_reset_confirm.html"
    success_url = reverse_lazy("core:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was set. Please log in."))
        return response


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return "/"
    return target


@login_required
def otp_verify(request):
    """Ask for the TOTP code; users without a confirmed device are sent to set one up."""
    # scoping: exempt - the signed-in user's own second-factor device
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse_lazy('core:otp_setup')}?next={_safe_next(request)}")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        audit.record_login(
            request=request,
            username=request.user.get_username(),
            user=request.user,
            outcome=LoginEvent.Outcome.OTP_FAILURE,
        )
        form.add_error("token", _("The code is wrong or expired. Try the current code."))
    return render(request, "core/auth/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
def otp_setup(request):
    """Enrol an authenticator app: show the QR code, confirm with one code."""
    # scoping: exempt - the signed-in user's own second-factor device
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        # scoping: exempt - the signed-in user's own second-factor device
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("core:otp_verify")
        # scoping: exempt - the signed-in user's own second-factor device
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(
                actor=request.user,
                action="user.otp_enrol",
                obj=request.user,
                unit=request.user.home_unit,
            )
            messages.success(request, _("Second factor enabled."))
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or expired. Try the current code."))
    qr_svg = segno.make(device.config_url, micro=False).svg_inline(scale=4)
    context = {"form": form, "qr_svg": mark_safe(qr_svg), "next": _safe_next(request)}  # noqa: S308 - segno output
    return render(request, "core/auth/otp_setup.html", context)
