"""Leak-sweep entries for the import pages (see core/testing/sweep.py)."""

from qiaolian.core.testing.sweep import Detail, Exempt, Listing
from qiaolian.people.models import ImportBatch, ImportRow

MARKER = "SIBLING-IMPORT-MARKER"


def sibling_batch(cast) -> ImportBatch:
    batch = ImportBatch.objects.create(
        unit=cast.district_b,
        created_by=cast.sibling_manager,
        file_name=f"{MARKER}.xlsx",
        file_sha256="0" * 64,
        headers=["姓名"],
        mapping=["full_name"],
        status=ImportBatch.Status.PREVIEWED,
        row_count=1,
    )
    ImportRow.objects.create(batch=batch, row=2, action="error", label=f"{MARKER}-ROW")
    return batch


def _sibling(cast):
    return {"public_id": sibling_batch(cast).public_id}


def _listing(cast):
    sibling_batch(cast)
    return {}, MARKER


SWEEP = {
    "people:import_list": Listing(_listing),
    "people:import_detail": Detail(_sibling, methods=("GET",)),
    "people:import_mapping": Detail(_sibling),
    "people:import_commit": Detail(_sibling, methods=("POST",)),
    "people:import_undo": Detail(_sibling, methods=("POST",)),
    "people:import_discard": Detail(_sibling, methods=("POST",)),
    "people:import_errors": Detail(_sibling, methods=("GET",)),
    # The upload form's unit picker is restricted to units where the user may ADD.
    "people:import_upload": Listing(lambda cast: ({}, "乙区侨联")),
    "people:import_template": Exempt(
        "The blank template: column headers and federation-wide dictionaries, no records."
    ),
}
