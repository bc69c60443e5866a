// Package input opens spreadsheet files (XLSX/XLSM and CSV/TSV/TXT) and
// streams their rows as cells exactly as stored, with the position of each
// cell. It knows file formats, encodings and workbook structure; it knows
// nothing about mappings or Kiva. Values are not interpreted here: a number
// cell keeps the digits written in the file, a date cell keeps its serial,
// and package values turns them into typed values.
package input
