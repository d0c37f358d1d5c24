"""Donation drives, donors, donations, receipts, pledges, the charity fund, and the public
receipt verification and transparency pages."""

from django.urls import path

from qiaolian.giving import views

app_name = "giving"

urlpatterns: list = [
    path("", views.DriveListView.as_view(), name="drive_list"),
    path("drives/new/", views.DriveCreateView.as_view(), name="drive_create"),
    path("drives/<uuid:public_id>/", views.DriveDetailView.as_view(), name="drive_detail"),
    path("drives/<uuid:public_id>/edit/", views.DriveEditView.as_view(), name="drive_edit"),
    path("donors/", views.DonorListView.as_view(), name="donor_list"),
    path("donors/new/", views.DonorCreateView.as_view(), name="donor_create"),
    path("donors/<uuid:public_id>/", views.DonorDetailView.as_view(), name="donor_detail"),
    path("donations/", views.DonationListView.as_view(), name="donation_list"),
    path("donations/new/", views.DonationCreateView.as_view(), name="donation_create"),
    path(
        "donations/new-goods/",
        views.GoodsDonationCreateView.as_view(),
        name="donation_create_goods",
    ),
    path("donations/import/", views.DonationImportView.as_view(), name="donation_import"),
    path(
        "donations/<uuid:public_id>/",
        views.DonationDetailView.as_view(),
        name="donation_detail",
    ),
    path("receipts/", views.ReceiptListView.as_view(), name="receipt_list"),
    path("receipts/<uuid:public_id>/", views.ReceiptDetailView.as_view(), name="receipt_detail"),
    path("receipts/<uuid:public_id>/pdf/", views.ReceiptPdfView.as_view(), name="receipt_pdf"),
    path(
        "receipts/<uuid:public_id>/reissue/",
        views.ReceiptReissueView.as_view(),
        name="receipt_reissue",
    ),
    path("pledges/", views.PledgeListView.as_view(), name="pledge_list"),
    path("pledges/new/", views.PledgeCreateView.as_view(), name="pledge_create"),
    path("pledges/<uuid:public_id>/", views.PledgeDetailView.as_view(), name="pledge_detail"),
    path(
        "instalments/<uuid:public_id>/pay/",
        views.InstalmentPayView.as_view(),
        name="instalment_pay",
    ),
    path("fund/", views.FundListView.as_view(), name="fund_list"),
    path("fund/ledger/", views.FundLedgerView.as_view(), name="fund_ledger"),
    path("fund/<uuid:public_id>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("fund/<uuid:public_id>/income/", views.FundIncomeView.as_view(), name="fund_income"),
    path("fund/<uuid:public_id>/grants/new/", views.GrantCreateView.as_view(), name="grant_create"),
    path("grants/", views.GrantListView.as_view(), name="grant_list"),
    path("grants/<uuid:public_id>/", views.GrantDetailView.as_view(), name="grant_detail"),
    path(
        "grants/<uuid:public_id>/approve/", views.GrantApproveView.as_view(), name="grant_approve"
    ),
    path("grants/<uuid:public_id>/reject/", views.GrantRejectView.as_view(), name="grant_reject"),
    # Public pages: anyone may open them (see core/views/public.py).
    path("verify/<str:token>/", views.ReceiptVerifyView.as_view(), name="verify"),
    path("transparency/", views.TransparencyView.as_view(), name="transparency"),
]
