"""``python -m cac_director.langhost [flags] ENGINE_ADDRESS``: serve the language host, print the port."""

from cac_director.langhost.server import main

main()
