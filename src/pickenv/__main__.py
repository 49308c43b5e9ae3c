import sys

from pickenv.cli import main

sys.exit(main())
