// Package settings owns how kivaconv finds the Kiva Partner API settings of
// a run: which profile (stage, production, the local sandbox or a custom
// one), its token URL, audience, API URL, partner ID, scopes, client ID and
// client secret, and where each value came from.
//
// Values are layered, highest first: command-line flags, environment
// variables (KIVA_*), the profile's section of the YAML config file, then
// the built-in preset. The client secret is never a flag value: it comes
// from KIVA_CLIENT_SECRET, a secret file, or (on a private config file) the
// config file itself, and it never appears in an error message.
//
// The package knows nothing about HTTP: the CLI hands a resolved Profile to
// the partnerapi client.
package settings
