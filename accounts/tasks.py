from celery import shared_task

from .services import invitation_email_send


@shared_task(name="accounts.send_invitation_email")
def send_invitation_email(invitation_id: int) -> bool:
    """Load by id, call the one service (safe to run twice: a sent invitation is skipped)."""
    return invitation_email_send(invitation_id=invitation_id)
