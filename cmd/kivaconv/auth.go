package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	apisettings "github.com/kiva-partners/kivaconv/internal/settings"
)

// scopeUse says what each scope is needed for, in the words of the commands.
var scopeUse = map[string]string{
	partnerapi.ScopeReadLoans:     "listing loans (kivaconv loans) and checking repayment loan IDs",
	partnerapi.ScopeLoanDraft:     "sending loan drafts",
	partnerapi.ScopeRepayment:     "sending repayments",
	partnerapi.ScopeJournalUpdate: "sending journals",
}

func authCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:  "auth",
		Usage: "check the Partner API credentials",
		Description: `Checks that the configured client ID and secret get a token from Kiva, and
what it allows. The token itself is never shown.

Examples:
   kivaconv auth check
   kivaconv auth check --env production --json`,
		Subcommands: []*cli.Command{
			{
				Name:  "check",
				Usage: "get a token and show the profile, partner ID, scopes and expiry (never the token)",
				Description: `Asks Kiva's token endpoint for a token with the resolved settings (see
kivaconv config show) and reports what it allows. Nothing is sent to the API.

Exit codes: 0 a token was issued for the configured partner; 2 settings missing or
wrong, credentials refused, or the token is for another partner; 1 the token
endpoint could not be reached.

Examples:
   KIVA_CLIENT_ID=abc KIVA_CLIENT_SECRET_FILE=~/.kiva-stage kivaconv auth check
   kivaconv auth check --env production
   kivaconv auth check --env sandbox --json`,
				Flags: append(apiFlags(),
					&cli.BoolFlag{Name: "json", Usage: "print the result as JSON on stdout"}),
				Action: func(c *cli.Context) error { return runAuthCheck(c, io) },
			},
		},
	}
}

// authResult is `auth check --json`'s answer.
type authResult struct {
	Profile       string   `json:"profile"`
	APIURL        string   `json:"api_url"`
	TokenURL      string   `json:"token_url"`
	PartnerID     string   `json:"partner_id"`
	Scopes        []string `json:"scopes"`
	MissingScopes []string `json:"missing_scopes"`
	ExpiresAt     string   `json:"expires_at"`
}

func runAuthCheck(c *cli.Context, io *IO) error {
	if c.NArg() > 0 {
		return usageErrorf("auth check takes no arguments (got %q); flags go before any argument", c.Args().First())
	}
	p, err := resolveProfile(c, io)
	if err != nil {
		return err
	}
	cl, err := newClient(c, io, p)
	if err != nil {
		return err
	}
	if p.IsProduction() {
		fmt.Fprintf(io.Err, "kivaconv: profile %s is Kiva's PRODUCTION environment\n", p.Name)
	}
	info, err := cl.Token(c.Context)
	if err != nil && !errors.Is(err, partnerapi.ErrPartnerMismatch) {
		return apiError(p, err)
	}

	// An answer without "scope" grants the scopes asked for (RFC 6749
	// §5.1): they are not all missing.
	granted, listed := info.Scopes, info.Scopes != nil
	if !listed {
		granted = p.Scopes
	}
	var missing []string
	for _, s := range partnerapi.AllScopes {
		if !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	partner := info.PartnerID
	if partner == "" {
		partner = p.PartnerID
	}
	var problem error
	switch {
	case p.PartnerID != "" && info.PartnerID != "" && p.PartnerID != info.PartnerID:
		problem = usageErrorf("the token is for partner %s, but profile %s says partner %s (from %s): fix the partner ID, or use that partner's credentials",
			info.PartnerID, p.Name, p.PartnerID, p.Origin[apisettings.KeyPartnerID])
	case partner == "":
		problem = usageErrorf("the token does not say which partner it is for, and profile %s has no partner ID: set --partner-id, KIVA_PARTNER_ID or partner_id in the config file", p.Name)
	}

	now := clock(c.Context)()
	if c.Bool("json") {
		res := authResult{
			Profile: p.Name, APIURL: p.APIURL, TokenURL: p.TokenURL, PartnerID: partner,
			Scopes: nonNil(granted), MissingScopes: nonNil(missing),
		}
		if !info.Expiry.IsZero() {
			res.ExpiresAt = info.Expiry.UTC().Format(time.RFC3339)
		}
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(io.Out, "%s\n", data); err != nil {
			return err
		}
		return problem
	}

	w := io.Out
	fmt.Fprintf(w, "Profile:     %s (%s)\n", p.Name, p.Origin[apisettings.KeyEnv])
	fmt.Fprintf(w, "Token URL:   %s\n", p.TokenURL)
	fmt.Fprintf(w, "API URL:     %s\n", p.APIURL)
	fmt.Fprintf(w, "Client ID:   %s\n", p.ClientID)
	switch {
	case p.PartnerID == "":
		fmt.Fprintf(w, "Partner ID:  %s (from the token; none configured)\n", orNotSet(info.PartnerID))
	case info.PartnerID == "":
		fmt.Fprintf(w, "Partner ID:  %s (configured, %s; the token does not say)\n", p.PartnerID, p.Origin[apisettings.KeyPartnerID])
	case info.PartnerID == p.PartnerID:
		fmt.Fprintf(w, "Partner ID:  %s (configured, %s; the token agrees)\n", p.PartnerID, p.Origin[apisettings.KeyPartnerID])
	default:
		fmt.Fprintf(w, "Partner ID:  MISMATCH: configured %s (%s), the token says %s\n", p.PartnerID, p.Origin[apisettings.KeyPartnerID], info.PartnerID)
	}
	scopes := "none"
	switch {
	case !listed:
		scopes = "not listed in Kiva's answer, so those asked for: " + strings.Join(granted, " ")
	case len(granted) > 0:
		scopes = strings.Join(granted, " ")
	}
	fmt.Fprintf(w, "Scopes:      %s\n", scopes)
	for _, s := range missing {
		note := ""
		if !slices.Contains(p.Scopes, s) {
			note = fmt.Sprintf(" (not asked for: scopes from %s)", p.Origin[apisettings.KeyScopes])
		}
		fmt.Fprintf(w, "  missing %s: needed for %s%s\n", s, scopeUse[s], note)
	}
	if info.Expiry.IsZero() {
		fmt.Fprintf(w, "Expires:     not said\n")
	} else {
		fmt.Fprintf(w, "Expires:     %s (%s)\n", info.Expiry.Local().Format("2006-01-02 15:04 MST"), untilText(info.Expiry.Sub(now)))
	}
	if problem == nil {
		fmt.Fprintf(w, "OK: Kiva issued a token for partner %s on %s.\n", partner, p.Name)
		if len(missing) > 0 {
			fmt.Fprintf(w, "Ask Kiva to grant the missing scopes to this client if you need them.\n")
		}
	}
	return problem
}

// untilText says how long until an expiry: "in 11h59m", "in 5m",
// "in less than a minute", "expired".
func untilText(d time.Duration) string {
	switch {
	case d <= 0:
		return "expired"
	case d < time.Minute:
		return "in less than a minute"
	}
	s := d.Truncate(time.Minute).String()
	return "in " + strings.TrimSuffix(s, "0s")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
