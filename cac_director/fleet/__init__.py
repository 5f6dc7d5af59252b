"""Fleet operations: every stack of an MSSP's tree at once (docs/fleet.md).

``discovery`` finds one stack per instance, ``selection`` narrows them, ``impact`` diffs the resolved
configuration against a git ref offline, ``stack_config`` keeps each stack's config beside its instance,
``runner`` drives one Pulumi operation per stack through the Automation API, ``report`` prints the result.
"""
