"""``python -m cac_director.langhost [flags] ENGINE_ADDRESS``: serve the language host, print the port."""

from cac_director.langhost.server import main
from cac_director.pulumi_provider._engine_watch import exit_with_engine

exit_with_engine()
main()
