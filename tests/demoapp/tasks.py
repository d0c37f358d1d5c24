from django.tasks import task


@task
def tidy_widgets() -> int:
    return 0
