"""`python -m tray_app` runs the same CLI as `pipeline-tray`."""

import sys

from tray_app.commands.cli import main

sys.exit(main())
