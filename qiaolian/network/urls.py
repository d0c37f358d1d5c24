"""Liaison groups, memberships, stewards, roster reconciliation and the grid pages."""

from django.urls import path

from qiaolian.network.views import grid, groups, roster

app_name = "network"

urlpatterns: list = [
    # --- the grid: coverage figures, tree and world map ------------------------------------
    path("", grid.GridView.as_view(), name="grid"),
    path("branch/<uuid:public_id>/", grid.GridBranchView.as_view(), name="grid_branch"),
    path("people-without-group/", grid.PeopleWithoutGroupView.as_view(), name="ungrouped"),
    # --- groups, members and stewards --------------------------------------------------------
    path("groups/", groups.GroupListView.as_view(), name="group_list"),
    path("groups/new/", groups.GroupCreateView.as_view(), name="group_create"),
    path("groups/<uuid:public_id>/", groups.GroupDetailView.as_view(), name="group_detail"),
    path("groups/<uuid:public_id>/edit/", groups.GroupEditView.as_view(), name="group_edit"),
    path(
        "groups/<uuid:public_id>/contacted/",
        groups.GroupContactedView.as_view(),
        name="group_contacted",
    ),
    path("groups/<uuid:public_id>/members/add/", groups.MemberAddView.as_view(), name="member_add"),
    path(
        "groups/<uuid:public_id>/stewards/add/",
        groups.StewardAddView.as_view(),
        name="steward_add",
    ),
    path("members/<uuid:public_id>/leave/", groups.MemberLeaveView.as_view(), name="member_leave"),
    path(
        "stewards/<uuid:public_id>/end/",
        groups.StewardRemoveView.as_view(),
        name="steward_remove",
    ),
    path("person-options/", groups.PersonOptionsView.as_view(), name="person_options"),
    # --- roster reconciliation -------------------------------------------------------------
    path("roster/", roster.RosterView.as_view(), name="roster"),
]
