// Package batch owns the on-disk contract between convert, which writes an
// output folder, and send, which reads it and posts what it finds.
//
// # The output folder
//
// One conversion of one workbook writes one folder (by default
// "<workbook>.kiva" beside the input) holding:
//
//	manifest.json         what was converted and which files to post (written last)
//	loan-draft-0001.json  one loan draft per file, numbered in input order
//	repayments-0001.json  {"repayments": [...]}, at most BatchSize loans each
//	journals-0001.json    a bare JSON array of journals, or {"journals": [...]}
//	report.txt            the human summary composed by convert
//	errors.csv            one row per problem found in the input
//	ledger.jsonl          written by send only: what was posted, and the answers
//
// File numbers have at least four digits and grow past 9999
// ("loan-draft-10000.json"). Every batch file is exactly the JSON body send
// posts, so a reviewer reads what Kiva will receive.
//
// # Commit protocol
//
// Every file is written through WriteFileAtomic: a temporary file in the
// same folder, fsync, rename, fsync of the folder. A crash never leaves a
// half-written file under its final name. Create removes an existing
// manifest.json before anything else is written, and Close writes the new
// manifest.json last: a folder without a manifest is an unfinished
// conversion, and send refuses it. The manifest records the sha256 of each
// batch file, so send can tell (Manifest.Verify) when a reviewer edited
// one, and which.
//
// # Determinism
//
// The same input and mapping give byte-identical files: the manifest holds
// no timestamps, totals are sorted by currency, batches and errors keep
// input order, and JSON is written by Encode (fixed indentation, struct
// field order). The manifest names the source by its base name only; the
// mapping's source is recorded as convert gives it.
//
// # errors.csv
//
// The file is UTF-8 with a byte-order mark, so that Excel on Windows shows
// accented names correctly, and uses CRLF line ends, as RFC 4180 and Excel
// do. Columns are file, sheet, cell, row, column, field, value, severity and
// message. Cells that a spreadsheet would run as a formula (starting with
// "=", "+", "@", a tab or a carriage return, or with "-" unless the rest is
// a plain number) are prefixed with a single quote ('), which Excel shows as
// text: a borrower's name or a cell value cannot become a formula in the
// reviewer's spreadsheet. Negative amounts such as "-12.50" are left as they
// are.
package batch
