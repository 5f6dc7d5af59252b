"""Entry point the language host runs for the policy pack (``python -u policies``)."""

from cac_director.guardrails.pack import serve

serve()
