"""The staff side of the gateway, split by job.

- :mod:`bot.staff.service`: what staff can do (no HTTP); reads and writes through ``db/``.
- :mod:`bot.staff.api`: the JSON API under ``/api`` (thin handlers over the service).
- :mod:`bot.staff.console`: the HTML console under ``/staff``.
- :mod:`bot.staff.watcher`: the hand-off timeout and escalation announcer (background task).
- :mod:`bot.staff.notify`: what customers and the staff group are told, and the channels
  protocol it is delivered through.
- :mod:`bot.staff.router`: the pieces above as one router for ``bot/app.py``.

Dependencies point one way: router → api, console, watcher → service → notify.
"""
