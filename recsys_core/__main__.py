import sys

from recsys_core.cli import main

sys.exit(main())
