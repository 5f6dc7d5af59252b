"""The cac-director Pulumi program: `pulumi preview` plans and `pulumi up` applies one customer environment.

Stack config (cac-director:*) names the instance file; see README.md and docs/stacks.md.
"""

from cac_director.pulumi_provider.program import run

run()
