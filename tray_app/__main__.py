"""`python -m tray_app` runs the same CLI as `pipeline-tray`."""

import sys

from tray_app.cli import main

sys.exit(main())
