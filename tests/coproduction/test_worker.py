"""Overdue action reminders reach their owner by real email, through a real worker, once."""

import datetime

import pytest

from coproduction.models import Action
from coproduction.tasks import remind_overdue_actions_task
from tests.factories.coproduction import project_with_team
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_overdue_reminder_is_delivered_once_even_when_the_job_runs_twice(celery_worker, smtp_sink):
    worker = celery_worker(concurrency=1)
    team = project_with_team(title="Short breaks review")
    Action.objects.create(
        project=team.project,
        description="Ask families which breaks they use",
        owner=team.professional,
        created_by=team.parent,
        due_on=datetime.date(2026, 1, 5),
    )

    remind_overdue_actions_task.delay()
    remind_overdue_actions_task.delay()

    wait_for(
        lambda: len(worker.task_results("coproduction.remind_overdue_actions_task")) == 2,
        timeout=30,
        message="both runs of the job",
    )
    delivered = wait_for(smtp_sink.delivered, message="the reminder")
    assert sorted(worker.task_results("coproduction.remind_overdue_actions_task")) == ["0", "1"]
    assert [(message.recipients, message.message["Subject"]) for message in delivered] == [
        ([team.professional.user.email], "Your action in Short breaks review is overdue")
    ]
