"""Entry point of the bundled application: ``imgtag-desktop`` starts the window, ``imgtag`` the CLI.

The bundle has one executable; ``imgtag`` is a link to it (made by build.sh), and the name
it was started under chooses the program.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    name = os.path.basename(sys.argv[0]).lower()
    if name.startswith("imgtag-desktop") or name == "apprun":
        from imgtag_desktop.ui.app import main as gui_main

        return gui_main()
    from imgtag_desktop.cli import main as cli_main

    return int(cli_main() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
