from django.urls import path

from qiaolian.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("import/", views.EnterpriseImportView.as_view(), name="enterprise_import"),
    path("<uuid:public_id>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<uuid:public_id>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("<uuid:public_id>/investors/", views.InvestorAddView.as_view(), name="investor_add"),
    path("<uuid:public_id>/officers/", views.AssignmentAddView.as_view(), name="assignment_add"),
    path("<uuid:public_id>/contacts/", views.ContactAddView.as_view(), name="contact_add"),
    path("<uuid:public_id>/appeals/", views.AppealAddView.as_view(), name="appeal_add"),
    path(
        "assignments/<uuid:public_id>/end/",
        views.AssignmentEndView.as_view(),
        name="assignment_end",
    ),
    path("officers/", views.OfficerListView.as_view(), name="officer_list"),
    path("appeals/", views.AppealListView.as_view(), name="appeal_list"),
    path("appeals/<uuid:public_id>/", views.AppealDetailView.as_view(), name="appeal_detail"),
    path("appeals/<uuid:public_id>/route/", views.AppealRouteView.as_view(), name="appeal_route"),
    path("appeals/<uuid:public_id>/reply/", views.AppealReplyView.as_view(), name="appeal_reply"),
    path(
        "appeals/<uuid:public_id>/confirm/",
        views.AppealConfirmView.as_view(),
        name="appeal_confirm",
    ),
    path(
        "appeals/<uuid:public_id>/override/",
        views.AppealOverrideView.as_view(),
        name="appeal_override",
    ),
    path(
        "appeals/<uuid:public_id>/reopen/", views.AppealReopenView.as_view(), name="appeal_reopen"
    ),
    path("appeals/<uuid:public_id>/link/", views.AppealLinkView.as_view(), name="appeal_link"),
    path("files/<uuid:public_id>/", views.AppealFileView.as_view(), name="appeal_file"),
    path("d/<str:token>/", views.DepartmentLinkView.as_view(), name="department_link"),
    path("e/<str:token>/", views.EnterpriseLinkView.as_view(), name="enterprise_link"),
    path("p/<str:token>/", views.PortalView.as_view(), name="portal"),
    path("<uuid:public_id>/link/", views.PortalLinkView.as_view(), name="portal_link"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path(
        "departments/<uuid:public_id>/edit/",
        views.DepartmentEditView.as_view(),
        name="department_edit",
    ),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<uuid:public_id>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path(
        "meetings/<uuid:public_id>/attendees/",
        views.AttendeeAddView.as_view(),
        name="attendee_add",
    ),
    path("surveys/", views.RoundListView.as_view(), name="round_list"),
    path("surveys/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("surveys/<uuid:public_id>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("surveys/<uuid:public_id>/answer/", views.AnswerAddView.as_view(), name="answer_add"),
    path(
        "answers/<uuid:public_id>/appeal/",
        views.AnswerToAppealView.as_view(),
        name="answer_to_appeal",
    ),
]
