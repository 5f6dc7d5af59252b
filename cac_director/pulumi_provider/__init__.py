"""Pulumi side of cac-director: dynamic providers and resource classes, one per Director resource type.

Module paths and class names here are recorded in Pulumi state (providers are pickled by reference):
never rename or move them. Importing this package installs the SDK serialization guard (see ``_guard``)
and the trimmed registrations (see ``_registration``) before any resource can be constructed.
"""

from cac_director.pulumi_provider import _guard, _registration

_guard.install()
_registration.install()
