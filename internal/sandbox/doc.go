// Package sandbox is a local stand-in for Kiva's auth service and Partner
// API (spec §3, §4, §6, §7), served by `kivaconv sandbox`. It exists for
// trying kivaconv without Kiva credentials, for training a Kiva
// Coordinator, and for tests that run `kivaconv send` against a real
// server.
//
// It owns:
//
//   - POST /oauth/token: client credentials (form body or HTTP Basic),
//     audience check, scopes granted as asked ∩ allowed, tokens that
//     expire server-side;
//   - the Partner API under /v3/partner/{id}/: loan_draft, repayments,
//     journals (also /v3/partners/{id}/journals), loans and
//     config/{activities,locales,themes,locations}, with bearer-token,
//     partner and scope checks, and bodies checked by kiva.Rules as
//     kivaconv checks them before sending;
//   - a record of everything received (State), including anything received
//     twice (State.Duplicates), shown on GET / and GET /sandbox/state.json
//     and cleared by POST /sandbox/reset;
//   - a fault plan (ParseFaults) that makes chosen requests fail the ways a
//     real network and server do, including the dangerous ones where the
//     request was applied but its answer was lost.
//
// Its partner data is embedded and matches samples/: reference.json is a
// copy of samples/reference.json, and the loans list holds every loan of
// the sample repayment reports and journals.
//
// The sandbox is a server only. Tokens and the client secret never appear
// in its log, its pages or State. It answers only requests addressed to a
// loopback name (Host localhost, 127.x.y.z or [::1], unless
// Options.AllowedHosts or AllowIPHosts say more), so that a web page using
// DNS rebinding cannot read or reset it; an API request's body is read only
// once its token is good, and is at most 15 MiB (a draft with a 10 MiB
// photo).
package sandbox
