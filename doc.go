// Package kivaconv is the map of this repository: what each package owns
// and which of the repository's packages it may import. It holds no code.
// doc_test.go reads the table below and fails when a package imports one
// of the repository's packages that its line does not list, or when a
// package is missing from the table: a new arrow is a decision, made here.
//
// Data flows one way: a spreadsheet is read (internal/input), its cells
// become values (internal/values) through a mapping (mappings), records are
// built and checked against Kiva's rules (kiva), and written to an output
// folder (batch) by the pipeline (convert); send posts a folder's batches
// to Kiva (internal/partnerapi) and records them (batch's ledger,
// internal/history). cmd/kivaconv wires flags to all of it and is the only
// user of urfave/cli.
//
// Planned (issue 9): convert stops importing internal/review,
// internal/annotate and internal/loanlist (the caller writes review.html and
// the annotated copy; the expected-loans list becomes a kiva type), so the
// offline pipeline no longer links the HTTP client.
//
// Packages and the repository packages each may import:
//
//	cmd/kivaconv              → batch, convert, kiva, mappings, send, internal/annotate, internal/history, internal/input, internal/loanlist, internal/partnerapi, internal/review, internal/sandbox, internal/settings, internal/values
//	convert                   → batch, kiva, mappings, internal/annotate, internal/input, internal/loanlist, internal/review, internal/values
//	mappings                  → internal/input, internal/textdist, internal/values
//	kiva                      → internal/lenient
//	batch                     → kiva
//	send                      → batch, kiva, internal/history, internal/partnerapi
//	samples/gen               → kiva, internal/xlsxzip
//	e2e                       →
//	internal/input            →
//	internal/values           → internal/input
//	internal/review           → batch, kiva
//	internal/annotate         → batch, mappings, internal/input, internal/values
//	internal/loanlist         → batch, mappings, internal/input, internal/partnerapi, internal/values, internal/xlsxzip
//	internal/partnerapi       → kiva, internal/lenient
//	internal/settings         → internal/partnerapi, internal/textdist
//	internal/sandbox          → kiva, internal/partnerapi
//	internal/history          →
//	internal/lenient          →
//	internal/textdist         →
//	internal/xlsxzip          →
//	internal/testwait         →
//	internal/hinttest         → internal/values
//	tools/bench               →
//	tools/bench/excelizeraw   →
//	tools/distpack            →
//	tools/hostile             →
//	tools/screenshot          → convert, kiva, mappings, internal/review
//
// What each owns:
//
//   - cmd/kivaconv: the command line (flags, env, exit codes, --json,
//     messages on stdout/stderr); no conversion or sending logic.
//   - convert: the offline pipeline, read → map → validate → batch.
//   - mappings: mapping files, the built-in mappings, header matching,
//     mapping selection, mappings init.
//   - kiva: payload types, exact amounts, reference data, Kiva's rules.
//   - batch: the output-folder contract (atomic files, manifest, errors.csv,
//     ledger).
//   - send: what to send, re-validation, retries, the ledger and history
//     rules.
//   - samples: the sample inputs, their generator and expected outputs.
//   - e2e: the built binary and the sandbox as real processes.
//   - internal/input: XLSX and CSV readers (cells as stored, with positions).
//   - internal/values: cells to typed values (decimals, dates, ids, words).
//   - internal/review: review.html. internal/annotate: the annotated copy.
//   - internal/loanlist: loans exports, the repayments template, expected
//     lists. internal/partnerapi: Kiva's Partner API client.
//   - internal/settings: profiles from flags, env and the config file.
//   - internal/sandbox: the local stand-in for Kiva.
//   - internal/history: the send history (SQLite).
//   - internal/lenient, textdist, xlsxzip, testwait, hinttest: small
//     helpers (lenient JSON, edit distance, reproducible zips, test polling,
//     hint checks).
//   - tools/*: development programs (benchmarks, hostile corpus, release
//     archives, screenshots); product code never imports them.
package kivaconv
