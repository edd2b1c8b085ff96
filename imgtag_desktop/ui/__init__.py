"""The desktop app: Qt widgets, item models, delegates, dialogs and the main window."""
