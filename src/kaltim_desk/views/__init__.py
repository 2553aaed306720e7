"""The Qt GUI: main window, pages, dialogs and table models. Reaches services only through AppContext."""
