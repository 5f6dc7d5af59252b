"""A Python language host for the Pulumi CLI, used when the official ``pulumi-language-python`` is absent.

Why it exists: the Pulumi CLI can be built from the Go module proxy, but the official Python language
host cannot (its Go module has no release tags and the proxy refuses its pseudo-versions), and no
package registry ships it. Without a language host ``pulumi up`` cannot run a Python program. This host
implements the small part of the ``LanguageRuntime`` gRPC service that deployments use and runs the
program through Pulumi's own bootstrap script (``pulumi-language-python-exec``, shipped in the SDK's Go
module next to the dynamic-provider shim). ``scripts/ensure-pulumi`` installs it only when no official host
is installed; see docs/pulumi-cli.md.
"""
