from celery import shared_task

from notifications.tasks import RETRY_ON

from .services import invitation_email_send


@shared_task(
    name="accounts.send_invitation_email",
    autoretry_for=RETRY_ON,
    retry_backoff=True,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=12,
    acks_late=True,
)
def send_invitation_email(invitation_id: int) -> bool:
    """Load by id, call the one service (safe to run twice: a sent invitation is skipped)."""
    return invitation_email_send(invitation_id=invitation_id)
