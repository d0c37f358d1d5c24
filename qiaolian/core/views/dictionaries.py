from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiaolian.core import selectors, services
from qiaolian.core.forms import DictItemForm, RoleForm
from qiaolian.core.models import DictItem, DictType, Role
from qiaolian.core.scoping import Action
from qiaolian.core.views.generic import ScopedFormView, ScopedListView

# Dictionaries are federation-wide reference data (not unit-owned): any staff member who can
# view anything reads them; services.dict_item_save checks CONFIGURE at a root unit.


class DictListView(ScopedListView):
    template_name = "core/dictionaries/list.html"
    paginate_by = 100

    def scoped_queryset(self):
        return selectors.dictionary_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_configure"] = services.can_configure(actor=self.request.user)
        return context


class DictDetailView(ScopedListView):
    template_name = "core/dictionaries/detail.html"
    paginate_by = 200

    def dispatch(self, request, *args, **kwargs):
        self.dict_type = get_object_or_404(DictType, code=kwargs["code"])  # scoping: exempt, global
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self):
        return self.dict_type.items.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dict_type"] = self.dict_type
        context["can_configure"] = services.can_configure(actor=self.request.user)
        return context


class DictItemEditView(ScopedFormView):
    template_name = "core/dictionaries/item_form.html"
    action = Action.CONFIGURE
    success_message = _("Dictionary saved.")

    def dispatch(self, request, *args, **kwargs):
        self.dict_type = get_object_or_404(DictType, code=kwargs["code"])  # scoping: exempt, global
        self.item = None
        if item_id := kwargs.get("item_id"):
            self.item = self.dict_type.items.filter(pk=item_id).first()
            if self.item is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return DictItemForm(data, instance=self.item or DictItem(dict_type=self.dict_type))

    def get_context_data(self, **kwargs):
        return {"dict_type": self.dict_type, "item": self.item, **kwargs}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.dict_item_save(
            actor=self.request.user, dict_type=self.dict_type, item=self.item, **fields
        )

    def get_success_url(self, obj):
        return reverse("core:dict_detail", args=[self.dict_type.code])


class RoleListView(ScopedListView):
    """Roles are federation-wide sets of actions; everyone with VIEW may read them."""

    template_name = "core/roles/list.html"
    paginate_by = 100

    def scoped_queryset(self):
        return selectors.role_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_configure"] = services.can_configure(actor=self.request.user)
        return context


class RoleEditView(ScopedFormView):
    template_name = "core/roles/form.html"
    action = Action.CONFIGURE
    success_message = _("Role saved.")

    def dispatch(self, request, *args, **kwargs):
        self.role = None
        if code := kwargs.get("code"):
            self.role = Role.objects.filter(code=code).first()  # scoping: exempt, global
            if self.role is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return RoleForm(data, instance=self.role or Role())

    def get_context_data(self, **kwargs):
        return {"role": self.role, **kwargs}

    def perform(self, form):
        fields = {n: form.cleaned_data[n] for n in form.Meta.fields if not form.fields[n].disabled}
        return services.role_save(actor=self.request.user, role=self.role, **fields)

    def get_success_url(self, obj):
        return reverse("core:role_list")
