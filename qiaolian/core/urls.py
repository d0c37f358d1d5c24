from django.urls import path, re_path

from qiaolian.core.views import (
    audit,
    auth,
    calendar,
    dictionaries,
    exports,
    figures,
    system,
    units,
    users,
)

app_name = "core"

urlpatterns = [
    path("", system.DashboardView.as_view(), name="dashboard"),
    path("figures/", figures.FiguresView.as_view(), name="figures"),
    path("switch-unit/", system.switch_unit, name="switch_unit"),
    path("system/", system.SystemView.as_view(), name="system"),
    # notifications (the user's own)
    path("notifications/", system.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read-all/", system.notification_read_all, name="notification_read_all"),
    path(
        "notifications/<uuid:public_id>/open/",
        system.NotificationOpenView.as_view(),
        name="notification_open",
    ),
    # accounts
    path("account/login/", auth.LoginView.as_view(), name="login"),
    path("account/logout/", auth.LogoutView.as_view(), name="logout"),
    path("account/password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/reset/sent/",
        auth.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/otp/verify/", auth.otp_verify, name="otp_verify"),
    path("account/otp/setup/", auth.otp_setup, name="otp_setup"),
    path("account/tokens/", system.TokenListView.as_view(), name="token_list"),
    path("account/tokens/new/", system.TokenCreateView.as_view(), name="token_create"),
    path(
        "account/tokens/<uuid:public_id>/revoke/",
        system.TokenRevokeView.as_view(),
        name="token_revoke",
    ),
    # background exports (core/exports.py)
    path("exports/", exports.ExportListView.as_view(), name="export_list"),
    path("exports/<uuid:public_id>/", exports.ExportDetailView.as_view(), name="export_detail"),
    path(
        "exports/<uuid:public_id>/download/",
        exports.ExportDownloadView.as_view(),
        name="export_download",
    ),
    # units
    path("units/", units.UnitListView.as_view(), name="unit_list"),
    path("units/new/", units.UnitCreateView.as_view(), name="unit_create"),
    path("units/options/", units.UnitOptionsView.as_view(), name="unit_options"),
    path("units/<uuid:public_id>/", units.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<uuid:public_id>/edit/", units.UnitEditView.as_view(), name="unit_edit"),
    path("units/<uuid:public_id>/move/", units.UnitMoveView.as_view(), name="unit_move"),
    path(
        "units/<uuid:public_id>/deactivate/",
        units.UnitDeactivateView.as_view(),
        name="unit_deactivate",
    ),
    path(
        "units/<uuid:public_id>/activate/", units.UnitActivateView.as_view(), name="unit_activate"
    ),
    # users and grants
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/new/", users.UserCreateView.as_view(), name="user_create"),
    path("users/<uuid:public_id>/", users.UserDetailView.as_view(), name="user_detail"),
    path("users/<uuid:public_id>/edit/", users.UserEditView.as_view(), name="user_edit"),
    path("users/<uuid:public_id>/grant/", users.UserGrantView.as_view(), name="user_grant"),
    path("grants/<uuid:public_id>/revoke/", users.GrantRevokeView.as_view(), name="grant_revoke"),
    # dictionaries
    path("dictionaries/", dictionaries.DictListView.as_view(), name="dict_list"),
    path("dictionaries/<slug:code>/", dictionaries.DictDetailView.as_view(), name="dict_detail"),
    path(
        "dictionaries/<slug:code>/new/",
        dictionaries.DictItemEditView.as_view(),
        name="dict_item_create",
    ),
    path(
        "dictionaries/<slug:code>/<int:item_id>/",
        dictionaries.DictItemEditView.as_view(),
        name="dict_item_edit",
    ),
    # working calendar (holidays and make-up working days)
    path("calendar/", calendar.CalendarListView.as_view(), name="calendar_list"),
    path("calendar/<int:year>/", calendar.CalendarYearView.as_view(), name="calendar_year"),
    path(
        "calendar/<int:year>/new/",
        calendar.CalendarDayEditView.as_view(),
        name="calendar_day_create",
    ),
    path(
        "calendar/<int:year>/confirm/",
        calendar.CalendarYearConfirmView.as_view(),
        name="calendar_year_confirm",
    ),
    re_path(
        r"^calendar/days/(?P<day>\d{4}-\d{2}-\d{2})/edit/$",
        calendar.CalendarDayEditView.as_view(),
        name="calendar_day_edit",
    ),
    re_path(
        r"^calendar/days/(?P<day>\d{4}-\d{2}-\d{2})/delete/$",
        calendar.CalendarDayDeleteView.as_view(),
        name="calendar_day_delete",
    ),
    # roles
    path("roles/", dictionaries.RoleListView.as_view(), name="role_list"),
    path("roles/new/", dictionaries.RoleEditView.as_view(), name="role_create"),
    path("roles/<slug:code>/edit/", dictionaries.RoleEditView.as_view(), name="role_edit"),
    # audit
    path("audit/operations/", audit.AuditListView.as_view(), name="audit_list"),
    path("audit/logins/", audit.LoginLogView.as_view(), name="login_log"),
]
