package gateway

# Actions decided in Rego rather than in data.gateway.pii. A rule here beats everything in the
# data, team overrides included, so this is where a guarantee that no data edit may weaken goes.
# Add a rule per type as `pii_rule_actions["TYPE"] := "action" if { ... }`; two rules that give
# the same type different actions for the same request are a conflict, and the request is denied.

# Private keys never leave the gateway, whatever the destination or a team override says.
pii_rule_actions["PRIVATE_KEY"] := "block"
