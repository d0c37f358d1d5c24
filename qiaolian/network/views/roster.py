"""Roster reconciliation: paste or upload a group's member list, see each line matched to the
register (matched / probable / new), and add or link the chosen lines in one step."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from qiaolian.core.models import Unit
from qiaolian.core.scoping import Action
from qiaolian.core.views.generic import ScopedView
from qiaolian.network import roster, services
from qiaolian.network.apps import NETWORK
from qiaolian.network.forms import RosterForm
from qiaolian.network.models import Group


class RosterView(ScopedView):
    action = Action.CHANGE
    template_name = "network/roster.html"

    def get(self, request):
        return self.render(
            RosterForm(user=request.user, within=request.active_unit, initial=self.initial())
        )

    def initial(self) -> dict:
        """Preselect the group named in `?group=` (if the user may change it)."""
        group = None
        if public_id := self.request.GET.get("group"):
            try:
                group = (
                    Group.objects.restrict(self.request.user, Action.CHANGE)
                    .select_related("association", "unit")
                    .filter(public_id=public_id)
                    .first()
                )
            except ValidationError:
                group = None
        if group is None:
            return {"role": "member", "unit_for_new": self.request.active_unit}
        may_add = Unit.objects.restrict(self.request.user, NETWORK.ADD).filter(pk=group.unit_id)
        return {
            "group": group.public_id,
            "country": group.association.country.code if group.association else "",
            "unit_for_new": group.unit if may_add.exists() else self.request.active_unit,
            "role": "member",
        }

    def post(self, request):
        form = RosterForm(
            request.POST, request.FILES, user=request.user, within=request.active_unit
        )
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        group = data["group"]
        try:
            lines = roster.parse(form.roster_text, country=data["country"])
        except ValueError as exc:
            form.add_error("text", str(exc))
            return self.render(form, status=400)
        roster.match(lines, user=request.user, group=group)
        # The preview's form carries the text (an uploaded file becomes text) to the commit.
        shown = RosterForm(
            {**request.POST.dict(), "text": form.roster_text},
            user=request.user,
            within=request.active_unit,
        )
        shown.is_valid()
        if request.POST.get("step") != "commit":
            return self.render(shown, lines=lines)
        choices = self.choices(request.POST, lines)
        try:
            result = services.roster_apply(
                actor=request.user,
                group=group,
                lines=lines,
                choices=choices,
                unit_for_new=data.get("unit_for_new"),
                role=data["role"],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = getattr(exc, "messages", None) or [str(exc)]
            return self.render(shown, lines=lines, errors=errors, chosen=choices, status=400)
        messages.success(
            request,
            _("Roster applied: %(linked)s linked, %(created)s created, %(added)s added.") % result,
        )
        return HttpResponseRedirect(reverse("network:group_detail", args=[group.public_id]))

    @staticmethod
    def choices(post, lines) -> dict[int, str]:
        chosen = {}
        for line in lines:
            value = post.get(f"line-{line.number}")
            if value:
                chosen[line.number] = value
        return chosen

    def render(self, form, *, lines=None, errors=(), chosen=None, status=200):
        if lines is not None and chosen is None:
            chosen = {line.number: line.default_choice for line in lines}
        for line in lines or ():
            line.choice = (chosen or {}).get(line.number, "skip")
        context = {
            "form": form,
            "lines": lines,
            "summary": roster.summary(lines) if lines is not None else None,
            "errors": errors,
        }
        return render(self.request, self.template_name, context, status=status)
