import sys

from swarmtui.cli.start import main

sys.exit(main())
