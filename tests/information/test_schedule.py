from django.conf import settings

from forum_portal.celery import app


def test_beat_runs_the_digest_weekly_and_the_review_reminders_daily():
    digest = settings.CELERY_BEAT_SCHEDULE["information-topic-digests"]
    reminders = settings.CELERY_BEAT_SCHEDULE["information-review-reminders"]

    assert digest["task"] == "information.send_topic_digests_task"
    assert digest["schedule"].day_of_week == {5}
    assert reminders["task"] == "information.send_review_reminders_task"
    assert reminders["schedule"].hour == {8}
    app.loader.import_default_modules()
    assert {digest["task"], reminders["task"]} <= set(app.tasks)
