// Package convert is the pipeline that turns one spreadsheet into reviewed
// Kiva batches:
//
//	input.Open → sheet & header (mappings) → row → typed fields (values)
//	  → records (loan drafts, repayments, journals) → rules (kiva)
//	  → batch folder (batch)
//
// Data flows one way. Every problem is an Issue that points at the cell it
// came from; a row with an error is rejected (listed, never silently
// skipped), the others are written. Repayments and journals stream: memory
// holds one batch and a set of seen loan ids. Loan drafts hold the schedule
// sheet and the group loans until their last row is read; individual drafts
// are written as soon as their row is read.
//
// The package never prints: it returns a Summary and reports progress
// through a callback. It never talks to the network.
package convert
