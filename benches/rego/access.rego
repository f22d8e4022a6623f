# The built-in pack's access policies (policies/qd05-2024-phu-yen/access.cedar), translated
# to Rego for the peer benchmark of issue 15: the same rules, the same reason codes, one
# rule per Cedar policy, in the same order. It is a benchmark fixture, not a second source
# of the law: `benches/common/rego.rs` checks that it agrees with the engine on every
# generated request before anything is timed.
#
# The input is what a gateway would build per request from the same slice of the world
# the engine reads (benches/common/rego.rs, `input_of`): the account with its holder and
# issuer, the dataset with its provider, the request's context, and the candidate
# agreements between the holder and the provider. Instants are nanoseconds since the Unix
# epoch, computed once when the input is built, as the engine computes Cedar's values
# once. `results` has one entry per candidate agreement (one with `agreement: null` when
# there is none): the permits and forbids that hold, by reason code. The caller picks the
# decision among them as the engine does.
package lgsp.access

import rego.v1

principal := input.principal

resource := input.resource

context := input.context

state if principal.holder.stateAdministrative

via if context.channel in {"lgsp", "ngsp_lgsp", "portal"}

needs_agreement if resource.class in {"shared", "restricted"}

open_or_public if resource.class in {"open", "public"}

# ------------------------------------------------------------ forbids without an agreement

fixed contains "out_of_scope" if resource.class in {"state_secret", "internal", "temporary"}

fixed contains "not_through_lgsp" if context.channel == "direct"

fixed contains "external_not_through_ngsp" if {
	not principal.holder.inProvince
	context.channel in {"lgsp", "direct"}
}

fixed contains "public_only_through_portal" if {
	not state
	context.channel != "portal"
}

fixed contains "shared_data_for_state_agencies" if {
	not state
	needs_agreement
}

fixed contains "not_authenticated" if principal.authentication == "none"

fixed contains "not_authenticated" if not context.authenticated

fixed contains "account_not_issued_for_provider" if {
	principal.issuer.id != resource.provider
	not principal.issuer.provincialFocalPoint
}

fixed contains "not_published" if not published

published if resource.publishedAt <= context.now

fixed contains "not_evaluated" if {
	open_or_public
	not context.evaluatedUntil
}

fixed contains "evaluation_expired" if {
	open_or_public
	context.now >= context.evaluatedUntil
}

fixed contains "personal_data_without_subject_request" if {
	resource.personalData
	state
	principal.holder.id != resource.provider
	not context.subjectRequested
}

fixed contains "personal_data_not_public" if {
	resource.personalData
	not state
}

# ------------------------------------------------------------ per candidate agreement

method := {"query": "online_connection", "subscribe": "synchronisation", "download": "package"}

permits(g) := {p |
	some [p, holds] in [
		["agency_shared_data", shared_permit(g)],
		["agency_open_data", open_permit],
		["public_open_data", public_permit],
	]
	holds
}

shared_permit(g) if {
	state
	via
	needs_agreement
	g != null
	g.consumer == principal.holder.id
	g.provider == resource.provider
} else := false

open_permit if {
	state
	via
	open_or_public
} else := false

public_permit if {
	not state
	context.channel == "portal"
	open_or_public
} else := false

forbids(g) := fixed | {f |
	some [f, holds] in [
		["no_agreement", no_agreement(g)],
		["outside_agreement_term", outside_term(g)],
		["agreement_suspended", suspended(g)],
		["agreement_terminated", terminated(g)],
		["dataset_not_in_agreement", dataset_outside(g)],
		["purpose_not_in_agreement", purpose_outside(g)],
		["method_not_in_agreement", method_outside(g)],
	]
	holds
}

no_agreement(g) if {
	state
	needs_agreement
	g == null
} else := false

# Each condition below is on the candidate agreement, for shared and restricted data only
# (`["shared", "restricted"].contains(resource.class) && context has agreement` in Cedar).

outside_term(g) if {
	needs_agreement
	g != null
	context.now < g.start
} else := true if {
	needs_agreement
	g != null
	context.now >= g.end
} else := false

suspended(g) if {
	needs_agreement
	g != null
	g.status == "suspended"
} else := false

terminated(g) if {
	needs_agreement
	g != null
	g.status == "terminated"
} else := false

dataset_outside(g) if {
	needs_agreement
	g != null
	not resource.id in g.datasets
} else := false

purpose_outside(g) if {
	needs_agreement
	g != null
	not context.purpose in g.purposes
} else := false

method_outside(g) if {
	needs_agreement
	g != null
	not method[input.action] in g.methods
} else := false

candidates := input.agreements if {
	count(input.agreements) > 0
} else := [null]

results := [{"agreement": i, "permits": permits(g), "forbids": forbids(g)} |
	some i, g in candidates
]
