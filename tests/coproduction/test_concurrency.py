"""Two people saving the same document at the same moment: one version is saved, the other
person is told, and nothing is overwritten."""

import threading

import pytest
from django.db import connection

from coproduction import services
from coproduction.models import DocumentVersion
from tests.factories.coproduction import project_with_team

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_saves_from_the_same_version_at_once_keep_one_and_refuse_the_other():
    team = project_with_team()
    document = services.start_document(team.project, by=team.parent, title="Charter", body="First")
    start = threading.Barrier(2)
    outcomes = {}

    def save(member, body):
        try:
            start.wait()
            services.save_document_version(document, by=member, body=body, based_on=1)
            outcomes[body] = "saved"
        except services.EditConflict as conflict:
            outcomes[body] = f"conflict with version {conflict.latest.number}"
        except Exception as error:  # noqa: BLE001 - any other failure is reported by the assertion
            outcomes[body] = repr(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [
        threading.Thread(target=save, args=(team.parent, "Parent's text")),
        threading.Thread(target=save, args=(team.professional, "Professional's text")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict with version 2", "saved"]
    saved = next(body for body, outcome in outcomes.items() if outcome == "saved")
    assert list(DocumentVersion.objects.filter(document=document).values_list("number", "body")) == [
        (2, saved),
        (1, "First"),
    ]
