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
// The rule: a file only ever appears under its final name with complete,
// durable content, and manifest.json, which is what send trusts, is
// written last. Create removes an existing manifest.json (and report.txt,
// errors.csv and stray temporary files) and syncs the folder before
// anything else is written: a folder without a manifest is an unfinished
// conversion, and send refuses it. The manifest records the sha256 of
// each batch file, so send can tell (Manifest.Verify) when a reviewer
// edited one, and which.
//
// manifest.json, report.txt and errors.csv are written by
// WriteFileAtomic: a temporary file in the same folder, fsync, rename,
// fsync of the folder. With CreateOptions.Errors, errors.csv is written the
// same way, except that its temporary file is filled while the conversion
// runs (a line per AddError, through a buffer: no row is kept in memory),
// and Close makes it durable and renames it before writing the manifest.
//
// Batch files come in thousands (a 100,000-row loans workbook makes some
// 40,000 loan drafts, one per file), and two fsyncs per file would cost
// more than the whole conversion. Loan drafts, repayments batches and
// journals batches alike are encoded and written by one background
// goroutine, in order, each to a temporary file
// (".loan-draft-0001.json.tmp-…") that is written and closed without an
// fsync. Every few hundred files, and for the rest at Close, the files
// written are committed: made durable all at once, with one syncfs(2) of
// the folder's filesystem on Linux (elsewhere each file was fsynced before
// it was closed), and only then renamed, in order, to their final names.
// A commit runs on a short-lived goroutine while the writing goes on;
// commits run one at a time, in order. Close then removes the previous
// conversion's batch files that this one did not replace, fsyncs the
// folder once, and writes manifest.json atomically (temporary file, fsync,
// rename, fsync of the folder). So the name AddLoanDraft returns is the
// file's final name, but the file is there under it, complete and
// durable, only from a commit on: for certain once Close has returned.
//
// When the folder holds a previous conversion's batch files, they are
// rewritten in place instead of creating as many new files and deleting
// the old ones (much faster on some filesystems). At the first batch
// written, they are renamed to temporary names, in groups; once a group's
// renames are durable (the folder is fsynced) its files are reused as
// temporary files, overwritten and cut to their new length, then
// committed like the others. No commit starts before all of them are
// renamed away. A file with another hard link, or that is not a plain
// file, is never written to.
//
// What a crash leaves, at each point:
//
//   - after Create, before Close: no manifest (its removal was made
//     durable before anything else was written); batch files of the
//     previous conversion, untouched, or renamed away to temporary names
//     (durably, before any new byte went into them); batch files of this
//     conversion that were committed (their content was durable before
//     the rename); temporary files, complete or not. send refuses the
//     folder; the next Create removes the temporary files and the next
//     Close replaces or removes the batch files. Loan drafts are no
//     exception: a draft handed to AddLoanDraft may be anywhere from not
//     yet written to committed, and none can be sent.
//   - in the middle of a commit's renames: the same. A rename that did
//     not reach the disk leaves the file under its temporary name; none
//     can leave an incomplete file under a batch file's name, since the
//     data was on disk before the first rename.
//   - after the renames, before manifest.json is in place (or before the
//     folder's fsync that makes its rename durable): no manifest, as
//     above. Batch files listed nowhere cannot be sent.
//   - after Close: the manifest and every file it lists are durable.
//
// A write error anywhere ends the conversion: the error is returned by
// the next Add call or by Close, the Writer's temporary files are removed
// and no manifest is written. Abort does the same when the caller fails.
//
// # Determinism
//
// The same input and mapping give byte-identical files: the manifest holds
// no timestamps, totals are sorted by currency, batches and errors keep
// input order, and JSON is written by Encode (fixed indentation, struct
// field order) or, for repayments and journals batches, by a hand-written
// encoder that gives the same bytes. The manifest names the source by its base name only; the
// mapping's source is recorded as convert gives it.
//
// # errors.csv
//
// The file is UTF-8 with a byte-order mark, so that Excel on Windows shows
// accented names correctly, and uses CRLF line ends, as RFC 4180 and Excel
// do. Columns are file, sheet, cell, row, column, field, value, severity and
// message, one line per problem, every problem: nothing is left out,
// however many there are. Cells that a spreadsheet would run as a formula
// (starting with "=", "+", "@", a tab, a carriage return, a line feed or a
// NUL, or with "-" unless the rest is a plain number) are prefixed with a
// single quote ('), which Excel shows as text: a borrower's name or a cell
// value cannot become a formula in the reviewer's spreadsheet. Negative
// amounts such as "-12.50" are left as they are. A cell holding a line
// break (or a comma, or a double quote) is a quoted field, as RFC 4180
// says.
package batch
