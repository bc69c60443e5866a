// Package review owns review.html: the self-contained report a coordinator
// opens in a browser to look at an output folder before anything is sent.
//
// Write reads a folder's manifest.json and batch files and writes
// review.html beside them. The page shows the conversion's summary (counts,
// exact totals per currency, batches, where they would be sent), every
// problem found in the input with its cell reference, and the records as a
// person at Kiva would see them: loan drafts as borrower cards (photo
// thumbnail, names, amount, loan use, description, group members, a small
// repayment-schedule chart), repayments as a sortable table with totals,
// journals as cards. Each problem links to its record's card or row, and
// each card carries a badge of its problems.
//
// The page speaks the reader's words, not the JSON's: fields are named by
// plain labels ("Photo", "Disbursal date", "Borrower 2 · gender"; the key
// is only in a title attribute), a draft's activity, theme and language by
// their names in the reference data with the id ("Farming (61)", the id
// alone without Options.Reference), and every problem by whose loan it is
// (Problem.Borrower; convert reads the names from the input's rows with
// Borrowers, so a rejected row is named too). Nothing asks to hover: on a
// phone the layout wraps at spaces, keeps file names and ids whole, and
// scrolls wide tables in their own box.
//
// # Self-contained and safe
//
// The page loads nothing: no external scripts, fonts, images or CSS, so it
// works offline and a reviewer's browser never contacts anyone. Photos are
// embedded as small JPEG thumbnails (re-encoded from the drafts'
// image_encoded, at most ThumbnailSize pixels wide and high); journals'
// image_url is shown as a link and never loaded. A Content-Security-Policy
// meta tag allows only the page's own inline script (by its sha256),
// inline styles and data: images. Every value from the input is escaped by
// html/template.
//
// # Large folders
//
// Loan drafts beyond Options.MaxCards (and journals beyond it) are listed as
// one compact table row each, without photo or chart, so a 40,000-draft
// folder gives a page of a few megabytes. Drafts are read, and thumbnails
// made, a few at a time: memory does not grow with the folder.
//
// # Determinism
//
// The same folder and options give the same bytes: the page holds no
// timestamps and no absolute paths, and amounts are printed from their exact
// decimal values (floats are used only for the chart's pixel geometry).
//
// # Checking the page in a browser
//
// Screenshot and DumpDOM drive a headless Chromium (FindChromium locates
// it); the package's tests use them to prove the page renders with no
// console errors, and the build uses Screenshot for the README's picture.
package review
