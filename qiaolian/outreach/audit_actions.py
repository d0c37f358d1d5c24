from django.utils.translation import gettext_lazy as _

LABELS = {
    "outreach.audience_create": _("Audience created"),
    "outreach.letter_create": _("Letter written"),
    "outreach.letter_edit": _("Letter draft changed"),
    "outreach.letter_approve": _("Letter approved"),
    "outreach.letter_send": _("Letter sent out"),
    "outreach.letter_cancel": _("Letter sending cancelled"),
    "outreach.campaign_create": _("Call campaign started"),
    "outreach.call_record": _("Family call recorded"),
    "outreach.call_to_case": _("Need from a call made a case"),
    "outreach.kit_create": _("Care kit defined"),
    "outreach.kit_give": _("Care kit given"),
}
