// Package annotate writes the annotated workbook, "<name>.checked.xlsx": a
// copy of the user's spreadsheet in which every problem a conversion found
// is shown where it is, so that the user can fix the copy and convert it
// again.
//
// The copy keeps every sheet, value, formula, number format, style,
// picture and comment of the original (a CSV file becomes the one data
// sheet of a new workbook). On top of that:
//
//   - each cell with a problem is filled red (an error) or amber (only
//     warnings), its other formatting unchanged, and carries a comment by
//     "kivaconv" listing its problems and how to fix them;
//   - each data sheet gets a status column, headed StatusHeader, right of
//     its last column: "OK", or the row's first problem and how many more;
//     problems about a whole row fill that row's status cell; a row with
//     no error of its own that was rejected with its group loan says
//     "rejected with group G (see F4)" (Options.RejectedWithGroup);
//   - a last sheet, ErrorsSheet, lists every problem with a link to its
//     cell.
//
// Converting the copy again gives the same records: the status column's
// header is no mapping's column, and the errors sheet's header no
// mapping's header. Numbers that a CSV file wrote with a decimal comma are
// stored as number cells (see Write), since a workbook's text numbers are
// read with a decimal point.
//
// Annotating a copy that was annotated before replaces the old
// annotations instead of adding to them.
//
// Comments another tool saved (openpyxl's xl/comments/comment1.xml,
// Excel's xl/comments1.xml) are kept, and kivaconv's go into the same
// comments part of the sheet; on a cell with both, the comment has the
// other's text first, then kivaconv's (see comments.go). Every comment of
// a sheet gets a fresh box: the size and shown/hidden state of the
// original boxes are not kept.
//
// The copy carries two custom document properties recording how Write
// left it, so that Edited can tell later whether it may hold values a
// person typed in (and so must not be replaced by a fresh copy of the
// original).
package annotate
