"""The policy pack's rules (``policies/`` runs them through ``pulumi preview --policy-pack policies``).

``rules`` judges one resource's inputs and options and says what is wrong, in words that name the object,
its node and its YAML section; ``pack`` turns the rules into ``pulumi-policy`` policies with their
configuration (enforcement level per rule, thresholds, which stacks are production).
"""
