from uuid import UUID

from ninja import Router, Schema

from tests.demoapp.models import Widget
from tests.demoapp.selectors import widget_list

router = Router(tags=["demo"])


class WidgetOut(Schema):
    public_id: UUID
    name: str


@router.get("/widgets", response=list[WidgetOut], url_name="demo_widget_list")
def widget_list_api(request):
    return list(widget_list(user=request.user))


@router.get("/widgets/{widget_id}", response=WidgetOut, url_name="demo_widget_detail")
def widget_detail_api(request, widget_id: UUID):
    return Widget.objects.get_visible(request.user, "demoapp.view", public_id=widget_id)
