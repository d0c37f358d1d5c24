"""People, associations, import, duplicates and search pages.

Each feature keeps its views in its own module; add its paths in its own block below."""

from django.urls import path

app_name = "people"

urlpatterns: list = []

# --- people and associations (issue 3: registry pages) ---------------------------------------
from qiaolian.people.views import associations as association_views  # noqa: E402
from qiaolian.people.views import people as people_views  # noqa: E402

urlpatterns += [
    path("", people_views.PersonListView.as_view(), name="person_list"),
    path("new/", people_views.PersonCreateView.as_view(), name="person_create"),
    path("lookup/", people_views.PersonLookupView.as_view(), name="person_lookup"),
    path("<uuid:public_id>/", people_views.PersonDetailView.as_view(), name="person_detail"),
    path("<uuid:public_id>/edit/", people_views.PersonEditView.as_view(), name="person_edit"),
    path(
        "<uuid:public_id>/reveal/<str:field>/",
        people_views.PersonRevealView.as_view(),
        name="person_reveal",
    ),
    path(
        "<uuid:public_id>/consents/new/",
        people_views.ConsentGrantView.as_view(),
        name="consent_grant",
    ),
    path(
        "consents/<uuid:public_id>/withdraw/",
        people_views.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    path(
        "<uuid:public_id>/links/new/",
        people_views.RelationshipAddView.as_view(),
        name="relationship_add",
    ),
    path(
        "links/<uuid:public_id>/remove/",
        people_views.RelationshipRemoveView.as_view(),
        name="relationship_remove",
    ),
    path("associations/", association_views.AssociationListView.as_view(), name="association_list"),
    path(
        "associations/new/",
        association_views.AssociationCreateView.as_view(),
        name="association_create",
    ),
    path(
        "associations/<uuid:public_id>/",
        association_views.AssociationDetailView.as_view(),
        name="association_detail",
    ),
    path(
        "associations/<uuid:public_id>/edit/",
        association_views.AssociationEditView.as_view(),
        name="association_edit",
    ),
    path(
        "associations/<uuid:public_id>/leaders/new/",
        association_views.LeaderAddView.as_view(),
        name="leader_add",
    ),
    path(
        "leaders/<uuid:public_id>/remove/",
        association_views.LeaderRemoveView.as_view(),
        name="leader_remove",
    ),
]
# --- end people and associations ------------------------------------------------------------

# --- search (issue 3: one box over people, associations and groups) -------------------------
from qiaolian.people.views import search as search_views  # noqa: E402

urlpatterns += [path("search/", search_views.SearchView.as_view(), name="search")]
# --- end search -------------------------------------------------------------------------------

# --- import (issue 3: upload, map, preview, commit, error sheet, undo) ----------------------
from qiaolian.people.views import imports as import_views  # noqa: E402

urlpatterns += [
    path("imports/", import_views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", import_views.ImportUploadView.as_view(), name="import_upload"),
    path("imports/template/", import_views.ImportTemplateView.as_view(), name="import_template"),
    path(
        "imports/<uuid:public_id>/", import_views.ImportDetailView.as_view(), name="import_detail"
    ),
    path(
        "imports/<uuid:public_id>/columns/",
        import_views.ImportMappingView.as_view(),
        name="import_mapping",
    ),
    path(
        "imports/<uuid:public_id>/commit/",
        import_views.ImportCommitView.as_view(),
        name="import_commit",
    ),
    path(
        "imports/<uuid:public_id>/undo/", import_views.ImportUndoView.as_view(), name="import_undo"
    ),
    path(
        "imports/<uuid:public_id>/discard/",
        import_views.ImportDiscardView.as_view(),
        name="import_discard",
    ),
    path(
        "imports/<uuid:public_id>/errors/",
        import_views.ImportErrorsView.as_view(),
        name="import_errors",
    ),
]
# --- end import -------------------------------------------------------------------------------

# --- duplicates (issue 3: scan, merge field by field, not-a-duplicate, undo) ------------------
from qiaolian.people.views import duplicates as duplicate_views  # noqa: E402

urlpatterns += [
    path("duplicates/", duplicate_views.DuplicateListView.as_view(), name="duplicate_list"),
    path("duplicates/scan/", duplicate_views.DuplicateScanView.as_view(), name="duplicate_scan"),
    path(
        "duplicates/merges/",
        duplicate_views.DuplicateMergeListView.as_view(),
        name="duplicate_merges",
    ),
    path(
        "duplicates/merges/<uuid:public_id>/unmerge/",
        duplicate_views.DuplicateUnmergeView.as_view(),
        name="duplicate_unmerge",
    ),
    path(
        "duplicates/<uuid:first>/<uuid:second>/",
        duplicate_views.DuplicateMergeView.as_view(),
        name="duplicate_merge",
    ),
    path(
        "duplicates/<uuid:first>/<uuid:second>/dismiss/",
        duplicate_views.DuplicateDismissView.as_view(),
        name="duplicate_dismiss",
    ),
]
# --- end duplicates ---------------------------------------------------------------------------
