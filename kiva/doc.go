// Package kiva holds what kivaconv knows about Kiva's Partner API that does
// not depend on spreadsheets: the JSON payload types (loan drafts,
// repayments, journals), exact decimal amounts, the reference data served
// by the config endpoints, and the rules of spec §7 expressed on payloads.
//
// Rules report problems by JSON field path ("entreps[1].amount"), never by
// spreadsheet cell: the convert package maps paths back to the cells they
// came from, and the send step can run the same rules on an edited batch.
package kiva
