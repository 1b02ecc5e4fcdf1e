"""Notifications and reminders by mail: a low-level module, like ``mail.py``, that any area may use.

An area that changes something a member should hear about calls ``services.notify`` in the
same transaction; ``reminders.send_reminders`` (``flask send-reminders``, from cron) gathers the
digests. It imports no area: the areas call it, never the other way round.
"""
