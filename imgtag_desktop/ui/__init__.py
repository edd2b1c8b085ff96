"""The desktop app: Qt widgets, item models, delegates, dialogs and the main window.

Widgets talk to the layers below only through :class:`~imgtag_desktop.ui.session.Session`
(the GUI thread's catalog, settings and undo stack) and through ``jobs``.
"""
