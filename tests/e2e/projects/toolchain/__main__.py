"""One dynamic resource whose provider class is imported from the installed cac_director package."""

import pulumi

from cac_director.pulumi_provider.toolchain_probe import ToolchainProbe

config = pulumi.Config()
probe = ToolchainProbe("probe", message=config.get("message") or "hello")
pulumi.export("digest", probe.digest)
