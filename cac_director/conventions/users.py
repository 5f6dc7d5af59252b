"""Users (docs/director-api.md §7.14): LogPoint accounts, each in one or more user groups.

Create takes ``username`` (unique, 2-50 characters, fixed afterwards), ``password`` (at least 5), ``firstname``,
``lastname``, ``email``, ``usergroup`` (UserGroup ids; YAML names the groups) and ``timezone`` (default
``UTC``). Edit has neither ``username`` nor ``password``; a password is changed through ``{id}/changePassword``.
Reads never return a password, only ``password_change_date``.

Passwords never appear in YAML. A user names a key with ``password_from``; the value is the entry of that key
in the stack's secret config map ``cac-director:userPasswords``, set with
``pulumi config set --secret --path 'cac-director:userPasswords.<key>' <password>``. The program passes it as a
Pulumi secret (encrypted in state, inputs and outputs); the provider compares the configured value with the
one it last applied, since the Director cannot tell, and applies a change through ``changePassword``, never by
replacing the user (docs/secrets.md). A password changed on the Director by hand is therefore not seen.

Export cannot read passwords: it writes ``password_from: <username>`` and says which stack config keys to set.
Built-in: ``admin`` (every LogPoint has it), never managed. A user must be deactivated before Trash (§7.14):
the provider deactivates it first. Deployed to Data Nodes and AIOs, where their user groups live.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from cac_director.conventions._base import Example, Reference, ResourceConventions, SecretInput
from cac_director.conventions._model import NonEmpty, RefName, StrictModel
from cac_director.conventions._values import Name

BUILTIN_USERS = frozenset({"admin"})

PASSWORD = SecretInput(
    field="password",
    from_field="password_from",
    config_map="userPasswords",
    change_action="changePassword",
    change_key="new_password",
)


Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
"""What the Director's Create refuses otherwise (an address with a domain, §7.14)."""


class User(StrictModel):
    username: Name | None = Field(default=None, min_length=2, max_length=50, description="Login name (fixed).")
    password_from: Name | None = Field(
        default=None,
        description="Key of the password in the stack's secret config map `cac-director:userPasswords`.",
    )
    firstname: NonEmpty | None = None
    lastname: NonEmpty | None = None
    email: Email | None = None
    usergroup: list[RefName] | None = Field(default=None, min_length=1, description="User group names.")
    timezone: NonEmpty = Field(default="UTC", description="One of the node's Timezone list.")


# YAML shape: the password itself comes from the stack's secret map (the contract test supplies one per model).
EXAMPLE = Example(
    model={
        "username": "alice",
        "password_from": "alice",
        "firstname": "Alice",
        "lastname": "Martin",
        "email": "alice@bank-a.example",
        "usergroup": ["ug-soc"],
        "timezone": "Europe/Paris",
    },
    updated={
        "username": "alice",
        "password_from": "alice",
        "firstname": "Alicia",
        "lastname": "Martin",
        "email": "alicia@bank-a.example",
        "usergroup": ["ug-soc", "SOC Analysts"],
        "timezone": "UTC",
    },
    prerequisites=(
        ("permissionGroups", {"name": "pg-soc", "description": ""}),
        ("userGroups", {"name": "ug-soc", "roles": "pg-soc", "include_all_permission": True}),
    ),
)


USERS = ResourceConventions(
    type_name="User",
    model=User,
    docs=__doc__ or "",
    yaml_section="users",
    api_resource="Users",
    name_key="username",
    references=(Reference("usergroup[]", "userGroups", wire="id"),),
    builtins=BUILTIN_USERS,
    writable_fields=("username", "password", "firstname", "lastname", "email", "usergroup", "timezone"),
    required_fields=("username", "password_from", "firstname", "lastname", "email", "usergroup"),
    immutable_fields=("username",),
    computed_fields=frozenset(
        {
            "id",
            "tid",
            "active",
            "locked",
            "locked_time",
            "failed_login_count",
            "last_login",
            "password_change_date",
            "fullname",
            "dashboard",
            "preferences",
            "query",
            "fields",
            "plugin_settings",
            "ldap_strategy",
        }
    ),
    defaults={"timezone": "UTC"},
    create_only_fields=("username", "password"),
    write_only_fields=("password",),
    secret_inputs=(PASSWORD,),
    deactivate_before_delete=True,
    example=EXAMPLE,
)
