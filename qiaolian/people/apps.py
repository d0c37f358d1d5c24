from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaolian.core.registry import (
    Figure,
    NavItem,
    NavSection,
    NotificationKind,
    PeriodicTask,
    PersonData,
    QiaolianApp,
    WorkPanel,
)
from qiaolian.core.scoping import DomainActions

PEOPLE = DomainActions("people")
"""The actions of the people domain ("people.view", …)."""


class PeopleConfig(QiaolianApp):
    name = "qiaolian.people"
    label = "people"
    verbose_name = "People and associations"
    url_prefix = "people/"
    api_router = "qiaolian.people.api:router"
    domain_label = _("People and associations")

    def navigation(self) -> list[NavSection]:
        return [
            NavSection(
                "people",
                _("People work"),
                100,
                (
                    NavItem(_("People"), "people:person_list", "ti-users-group", "people.view"),
                    NavItem(
                        pgettext_lazy("search box", "Search"),
                        "people:search",
                        "ti-search",
                        "people.view",
                    ),
                    NavItem(
                        _("Associations"),
                        "people:association_list",
                        "ti-building-community",
                        "people.view",
                        whole_subtree=True,  # associations are assigned to no one
                    ),
                    NavItem(
                        _("Import people"), "people:import_list", "ti-file-upload", "people.add"
                    ),
                    # Merging needs CHANGE on both people: a unit's work, not an assigned one.
                    NavItem(
                        _("Duplicates"),
                        "people:duplicate_list",
                        "ti-copy",
                        "people.change",
                        whole_subtree=True,
                    ),
                ),
            )
        ]

    def my_work(self) -> list[WorkPanel]:
        return [
            WorkPanel(
                "people.imports_waiting",
                _("Imports waiting for me"),
                "qiaolian.people.work.imports_waiting",
                "people.add",
                50,
            ),
            WorkPanel(
                "people.duplicates_to_review",
                _("Duplicates to review"),
                "qiaolian.people.work.duplicates_to_review",
                "people.change",
                60,
            ),
        ]

    def notification_kinds(self) -> list[NotificationKind]:
        from qiaolian.people.models import ImportBatch

        outcome = {"outcome": dict(ImportBatch.Status.choices)}
        return [
            NotificationKind(
                "people.import_checked",
                _("Import checked"),
                _("The import “%(file)s” is checked: %(outcome)s."),
                outcome,
            ),
            NotificationKind(
                "people.import_finished",
                _("Import finished"),
                _("The import “%(file)s” is finished: %(outcome)s."),
                outcome,
            ),
        ]

    def periodic_tasks(self) -> list[PeriodicTask]:
        # Uploads nobody committed or discarded hold ID and passport numbers: they go.
        return [PeriodicTask("qiaolian.people.tasks.expire_abandoned_imports", 24 * 3600)]

    def figures(self) -> list[Figure]:
        return [
            Figure(
                "people.associations",
                _("Overseas associations"),
                pgettext_lazy("measure", "associations"),
                "qiaolian.people.figures.associations",
                "qiaolian.people.figures.associations_url",
                permission="people.view",
                order=100,
                snapshot=True,
            )
        ]

    def person_data(self) -> list[PersonData]:
        def table(model, path, label):
            return PersonData(f"people.{model}", path, label)

        return [
            table("Person", "pk", _("Register entry")),
            table("PersonContact", "person", _("Contacts")),
            table("Relationship", "person", _("Relatives")),
            table("Relationship", "relative", _("Named as a relative")),
            table("Consent", "person", _("Consents")),
            table("AssociationLeader", "person", _("Association offices")),
            table("ImportRow", "person", _("Import rows")),
            table("PersonSearchToken", "person", _("Search index")),
            table("DuplicateCandidate", "person_a", _("Duplicate candidates")),
            table("DuplicateCandidate", "person_b", _("Duplicate candidates")),
            table("DuplicateDecision", "person_a", _("Duplicate decisions")),
            table("DuplicateDecision", "person_b", _("Duplicate decisions")),
            table("PersonMerge", "survivor", _("Merges kept")),
            table("PersonMerge", "merged", _("Merges folded in")),
        ]

    def audit_actions(self) -> dict:
        from qiaolian.people.audit_actions import LABELS

        return LABELS
