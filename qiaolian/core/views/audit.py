from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiaolian.core import audit_display, selectors
from qiaolian.core.export_jobs import export_view
from qiaolian.core.forms import AuditFilterForm, LoginLogFilterForm
from qiaolian.core.scoping import Action
from qiaolian.core.views.generic import ScopedListView

EXPORT_LIMIT = 100_000


class AuditLogMixin(ScopedListView):
    """Shared by the operation log and the login log: filters, sorting and export."""

    action = Action.AUDIT
    filter_form_class = AuditFilterForm
    sort_fields = {"time": "created_at"}
    default_sort = "-time"
    text_fields: tuple[str, ...] = ()
    export_name = ""
    export_limit = EXPORT_LIMIT

    def filter_queryset(self, queryset, data):
        if q := data.get("q"):
            condition = Q()
            for field in self.text_fields:
                condition |= Q(**{f"{field}__icontains": q})
            queryset = queryset.filter(condition)
        if data.get("action") and hasattr(queryset.model, "action"):
            queryset = queryset.filter(action__startswith=data["action"])
        if data.get("outcome"):
            queryset = queryset.filter(outcome=data["outcome"])
        if data.get("date_from"):
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        return queryset

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in {"csv", "xlsx"}:
            return export_view(self, fmt)
        return super().get(request, *args, **kwargs)

    def export_header(self) -> list:
        raise NotImplementedError

    def export_rows(self, queryset):
        raise NotImplementedError

    def export_permission(self) -> str:
        return self.permission()

    def export_queryset(self):
        """The page's rows with its filters and sort (the log is read under AUDIT)."""
        return self.get_context_data()["page"].paginator.object_list


class AuditListView(AuditLogMixin):
    template_name = "core/audit/list.html"
    text_fields = ("actor_name", "object_repr", "object_id", "message", "ip")
    export_name = "operation-log"
    export_title = gettext_lazy("Operation log")

    def scoped_queryset(self):
        return selectors.audit_list(user=self.request.user, within=self.request.active_unit)

    def export_header(self):
        return [
            _("Time"),
            _("Actor"),
            _("IP address"),
            _("Unit"),
            _("Operation"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Outcome"),
            _("Changes"),
            _("Message"),
        ]

    def export_rows(self, queryset):
        for e in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                _local(e.created_at),
                audit_display.actor_label(e.actor_name),
                e.ip,
                e.unit.label if e.unit else "",
                audit_display.action_label(e.action),
                audit_display.object_type_label(e.object_type),
                e.object_id,
                e.object_repr,
                e.get_outcome_display(),
                audit_display.changes_text(e.object_type, e.changes),
                e.message,
            ]


class LoginLogView(AuditLogMixin):
    template_name = "core/audit/logins.html"
    text_fields = ("username", "ip", "reason")
    export_name = "login-log"
    export_title = gettext_lazy("Login log")
    filter_form_class = LoginLogFilterForm

    def scoped_queryset(self):
        return selectors.login_log(user=self.request.user, within=self.request.active_unit)

    def export_header(self):
        return [
            _("Time"),
            _("Login name"),
            _("IP address"),
            _("Unit"),
            _("Outcome"),
            _("Detail"),
            _("Browser"),
        ]

    def export_rows(self, queryset):
        for e in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                _local(e.created_at),
                e.username,
                e.ip,
                e.unit.label if e.unit else "",
                e.get_outcome_display(),
                e.reason,
                e.user_agent,
            ]


def _local(moment) -> str:
    """A time as the reader's clock shows it, to the second (no microseconds, no offset)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
