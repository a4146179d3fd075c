import sys

from swarmtui.cli.main import main

sys.exit(main())
