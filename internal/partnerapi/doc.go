// Package partnerapi is kivaconv's client for Kiva's Partner API: the
// OAuth2 client-credentials token (fetched, cached, renewed and shared by
// concurrent callers), the POST endpoints that carry batches (loan drafts,
// repayments, journals), and the GET endpoints that read the partner's loans
// and the config reference lists.
//
// It owns three promises the send step builds on:
//
//   - Every failure is an *Error whose Class says what it means for the
//     request it carried: NotApplied (surely not applied: safe to resend),
//     Unknown (written, answer lost: may have been applied) or Rejected
//     (Kiva refused it). The class comes from whether the request had been
//     completely written (net/http/httptrace) and from the HTTP status.
//   - It never resends a POST on its own, except once after a 401 or 403
//     with a fresh token (the first answer proves it was refused). Retry
//     policy belongs to the caller, which logs attempts. Only the
//     idempotent GET calls are retried here.
//   - Nothing it returns carries the access token or the client secret:
//     both are scrubbed from every body, message and error it keeps.
//
// Answers are decoded leniently (snake_case or camelCase keys, ids as
// numbers or strings), and the raw, size-limited body is always kept so
// the caller can store it in the ledger.
package partnerapi
