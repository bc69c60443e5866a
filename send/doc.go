// Package send posts the batch folders convert wrote to Kiva's Partner API,
// safely enough to re-run after any failure.
//
// It owns the decisions about what to send and what a failure means; the
// HTTP work is partnerapi's, the folder layout and the ledger format are
// batch's, and the rules are kiva's.
//
// # What is sent
//
// Prepare reads each folder's manifest, checks the batch files against it
// (a reviewer may have edited one: an edited file is re-validated and sent
// if it still passes; a missing one refuses the folder), re-validates every
// batch file with kiva.Rules (errors block, warnings do not), and reads the
// ledger. A folder whose conversion rejected rows, or holding an invalid
// batch file, is refused unless Options.Partial: then only its valid files
// are sent. Nothing at all is sent when any folder is refused.
//
// # The ledger
//
// Before each request an entry "sending" is appended to the folder's
// ledger.jsonl and fsynced; after it, one of "sent", "failed" or
// "unconfirmed", also fsynced. A later run reads the ledger and, for the
// same API and partner:
//
//   - never sends again a file that was sent, nor the same content under
//     another name ("already sent on …");
//   - does not send an unconfirmed file (its answer was lost, or the
//     program stopped while it was in flight: Kiva may have it) unless
//     Options.ResendUnconfirmed: a person checks PA2 first;
//   - sends failed files again (Kiva refused them, or they never left).
//
// A file sent under the same name but with other content is a conflict and
// is not sent.
//
// While it sends, Run holds an operating-system lock on each folder's
// send.lock (LockFile): a second send on the same folder, which would plan
// from the same ledger and post the same batches, is refused. A dry run
// takes no lock.
//
// # Retries
//
// A request is retried automatically, with exponential backoff and jitter
// and at least the server's Retry-After, only when it surely did not take
// effect (partnerapi.NotApplied: refused connection, failure before the
// request was written, 429, 503, 401 after a new token). An answer lost
// after the request was written (partnerapi.Unknown: dropped connection,
// timeout, 500, 502, 504) marks the file unconfirmed; the other files are
// still sent. Any other refusal (partnerapi.Rejected) marks it failed with
// Kiva's message. When a file's retries run out, or the token lacks a
// scope, nothing more is started: the rest would fail the same way.
package send
