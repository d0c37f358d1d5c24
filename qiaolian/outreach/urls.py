from django.urls import path

from qiaolian.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.LetterListView.as_view(), name="letter_list"),
    path("letters/new/", views.LetterCreateView.as_view(), name="letter_create"),
    path("letters/<uuid:public_id>/", views.LetterDetailView.as_view(), name="letter_detail"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery_list"),
    path("letters/<uuid:public_id>/edit/", views.LetterEditView.as_view(), name="letter_edit"),
    path(
        "letters/<uuid:public_id>/schedule/",
        views.LetterScheduleView.as_view(),
        name="letter_schedule",
    ),
    path(
        "letters/<uuid:public_id>/approve/",
        views.LetterApproveView.as_view(),
        name="letter_approve",
    ),
    path("letters/<uuid:public_id>/send/", views.LetterSendView.as_view(), name="letter_send"),
    path(
        "letters/<uuid:public_id>/cancel/", views.LetterCancelView.as_view(), name="letter_cancel"
    ),
    path("letters/<uuid:public_id>/pdf/", views.LetterPdfView.as_view(), name="letter_pdf"),
    path("l/<str:token>/", views.LetterPublicView.as_view(), name="letter_public"),
    path("audiences/", views.AudienceListView.as_view(), name="audience_list"),
    path("audiences/new/", views.AudienceCreateView.as_view(), name="audience_create"),
    path("audiences/<uuid:public_id>/", views.AudienceDetailView.as_view(), name="audience_detail"),
    path("calls/", views.CampaignListView.as_view(), name="campaign_list"),
    path("calls/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("calls/<uuid:public_id>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("calls/mine/", views.MyCallsView.as_view(), name="my_calls"),
    path("calls/task/<uuid:public_id>/", views.CallRecordView.as_view(), name="call_record"),
    path("calls/task/<uuid:public_id>/case/", views.CallToCaseView.as_view(), name="call_to_case"),
    path("kits/", views.KitListView.as_view(), name="kit_list"),
    path("kits/new/", views.KitCreateView.as_view(), name="kit_create"),
    path("kits/<uuid:public_id>/give/", views.KitGiveView.as_view(), name="kit_give"),
]
