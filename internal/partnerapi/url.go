package partnerapi

import (
	"net/url"
	"strings"
)

// Endpoint kinds, as given to EndpointURL. The config lists are
// "config/" + one of ConfigLists ("config/activities").
const (
	KindLoanDraft  = "loan_draft"
	KindRepayments = "repayments"
	KindJournals   = "journals"
	KindLoans      = "loans"
)

// ConfigLists are the names of Kiva's config endpoints (spec §4).
var ConfigLists = []string{"activities", "locales", "themes", "locations"}

// EndpointURL returns the full address of an endpoint kind (KindLoanDraft,
// KindRepayments, KindJournals, KindLoans, "config/activities", …),
// without the query. It needs no token, so a dry run can show it: when
// the partner id is not known yet (not configured and no token fetched),
// the address holds "{id}" in its place.
func (c *Client) EndpointURL(kind string) string {
	pid := c.PartnerID()
	if pid == "" {
		pid = "{id}"
	} else {
		pid = url.PathEscape(pid)
	}
	return c.endpointURL(kind, pid)
}

// endpointURL builds the address with an already escaped partner id.
func (c *Client) endpointURL(kind, escapedPID string) string {
	path := "/v3/partner/{id}/" + strings.TrimLeft(kind, "/")
	if kind == KindJournals {
		path = c.cfg.JournalsPath
	}
	return c.apiBase + strings.ReplaceAll(path, "{id}", escapedPID)
}

// requiredScope is the scope an endpoint kind needs (spec §4); "" for the
// config lists, which any valid token may read.
func requiredScope(kind string) string {
	switch kind {
	case KindLoanDraft:
		return ScopeLoanDraft
	case KindRepayments:
		return ScopeRepayment
	case KindJournals:
		return ScopeJournalUpdate
	case KindLoans:
		return ScopeReadLoans
	}
	return ""
}
