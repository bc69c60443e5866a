// Package loanlist owns the files kivaconv writes from, and reads back as,
// a list of the partner's loans on Kiva:
//
//   - the loans export (Write, Marshal): one row per loan with the
//     partner's loan ID, client ID, Kiva's loan ID, the borrower's name,
//     the status, the currency and the loan amount, as CSV, XLSX or JSON
//     (chosen from the file's extension);
//   - the monthly repayments template (WriteTemplate, Template): an XLSX
//     workbook with one row per loan Kiva expects a repayment for
//     (payingBack and defaulted), with the Loan ID, Client ID and Borrower
//     name filled in and an empty Amount column, which the built-in
//     repayments mapping converts once the amounts are typed in;
//   - the expected-loans list (Read, Set): any of those files read back as
//     the set of loan IDs a repayments report should cover (convert
//     --expected).
//
// Every file is deterministic (rows sorted by loan ID, fixed workbook
// properties, fixed zip entry order and times) and written atomically.
// IDs are always text: leading zeros survive every format. Amounts are
// never converted through arithmetic: they are written as the exact
// decimal text Kiva sent.
//
// The loan amount column is called loan_amount (not amount) on purpose: a
// loans export converted by mistake must not fit the repayments mapping,
// whose Amount column would otherwise take the loan amounts as repayments.
package loanlist
