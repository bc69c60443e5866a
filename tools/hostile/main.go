// Command hostile builds a corpus of hostile inputs, each under 100 MB on
// disk, runs kivaconv on every one as its own process and reports wall
// time, peak memory (max RSS) and the exit code: the README's promise is
// that no input under 100 MB takes over 1 GiB or 60 s, and that bad input
// gets a clear error, never a crash.
//
//	go run ./tools/hostile                 # make hostile
//	go run ./tools/hostile -only zipbomb   # one case
//
// It is a development program, not a test: the cases take minutes in all
// and measure the machine as much as the code.
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/xuri/excelize/v2"
)

// A hostile case writes its input into dir and returns the path to give
// kivaconv (and extra arguments before it).
type hostileCase struct {
	name, what string
	build      func(dir string) (path string, args []string, err error)
}

var cases = []hostileCase{
	{"zipbomb", "one 4 GiB sheet part of spaces, deflated to a few MB", zipBomb},
	{"zipbomb-parts", "6 sheets of 900 MiB of spaces each (each under the per-part limit)", zipBombParts},
	{"shared-part", "2,000 sheets that all point at one 20 MB worksheet part", sharedPart},
	{"sst-huge", "shared strings: 19 million strings, 190 MB unpacked", sstHuge},
	{"sst-bad-index", "a cell pointing at shared string 4,000,000,000", sstBadIndex},
	{"wide-rows", "250 rows of 16,384 cells each", wideRows},
	{"beyond-xfd", "a cell in column XFE (16,385)", beyondXFD},
	{"rows-1m", "1,048,576 repayment rows (Excel's maximum), valid", millionRowsXLSX},
	{"rows-over", "a row numbered 1,048,577", rowsOver},
	{"deep-xml", "5 million nested elements inside a cell", deepXML},
	{"csv-one-field", "a 99 MB CSV that is one field, no line break", csvOneField},
	{"csv-unterminated", "a CSV with a quote opened on row 2 and never closed (99 MB)", csvUnterminated},
	{"csv-rows", "a 99 MB valid repayments CSV (3.3 million rows)", csvRows},
	{"csv-all-errors", "a 99 MB repayments CSV whose every amount is wrong", csvAllErrors},
	{"annotate-limit", "249,000 cells, every row rejected: the annotated copy at its limit", annotateLimit},
	{"annotate-excelize", "the same, written by excelize (as many MIS exports are)", annotateExcelize},
	{"photo-bomb", "one 50-megapixel one-colour PNG (6 KB) given to 2,000 loans", photoBomb},
	{"photo-many", "400 different 49-megapixel PNGs of 6 KB, one per loan", photoMany},
}

func main() {
	dir := flag.String("dir", filepath.Join(os.TempDir(), "kivaconv-hostile"), "where inputs and outputs go")
	only := flag.String("only", "", "comma-separated case names (default: all)")
	list := flag.Bool("list", false, "list the cases and exit")
	flag.Parse()
	if *list {
		for _, c := range cases {
			fmt.Printf("%-16s %s\n", c.name, c.what)
		}
		return
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fatal(err)
	}
	bin := filepath.Join(*dir, "kivaconv")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/kivaconv").CombinedOutput(); err != nil {
		fatal(fmt.Errorf("go build: %v\n%s", err, out))
	}
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n != "" {
			want[n] = true
		}
	}
	fmt.Println("| case | input | size | exit | wall | peak RSS | first line of stderr |")
	fmt.Println("|---|---|---|---|---|---|---|")
	var worstWall time.Duration
	var worstRSS int64
	for _, c := range cases {
		if len(want) > 0 && !want[c.name] {
			continue
		}
		cdir := filepath.Join(*dir, c.name)
		os.RemoveAll(cdir)
		if err := os.MkdirAll(cdir, 0o755); err != nil {
			fatal(err)
		}
		path, args, err := c.build(cdir)
		if err == nil {
			err = copyReference(cdir)
		}
		if err != nil {
			fatal(fmt.Errorf("%s: %v", c.name, err))
		}
		size := dirSize(cdir)
		r := run(bin, append(append([]string{"convert", "--today", "2026-11-26", "--reference", filepath.Join(cdir, "reference.json")}, args...), path))
		worstWall, worstRSS = max(worstWall, r.wall), max(worstRSS, r.rss)
		fmt.Printf("| %s | %s | %.1f MB | %d | %.1f s | %.0f MiB | %s |\n", c.name, c.what, float64(size)/1e6, r.code, r.wall.Seconds(), float64(r.rss)/(1<<20), r.first)
		os.RemoveAll(cdir) // the corpus is regenerated; keep the disk free
	}
	fmt.Printf("\nworst: %.1f s, %.0f MiB peak RSS\n", worstWall.Seconds(), float64(worstRSS)/(1<<20))
}

type result struct {
	code  int
	wall  time.Duration
	rss   int64
	first string
}

func run(bin string, args []string) result {
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	start := time.Now()
	err := cmd.Run()
	r := result{wall: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		r.code = -1
		r.first = err.Error()
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rss = int64(ru.Maxrss) * 1024 // Linux reports KiB
	}
	if r.first == "" {
		for _, l := range strings.Split(stderr.String(), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				r.first = l
				break
			}
		}
	}
	if len(r.first) > 160 {
		r.first = r.first[:160] + "…"
	}
	r.first = strings.ReplaceAll(r.first, "|", "\\|")
	return r
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "hostile:", err)
	os.Exit(1)
}

// ---- workbooks

// part is one zip entry: a name and a writer of its content.
type part struct {
	name  string
	write func(w io.Writer) error
}

func text(name, s string) part {
	return part{name, func(w io.Writer) error { _, err := io.WriteString(w, s); return err }}
}

// writeXLSX writes a workbook with the given sheets (name → part name)
// and extra parts.
func writeXLSX(path string, sheets []string, sheetPart func(i int) string, parts []part) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	var wb, rels, ct strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`)
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, name := range sheets {
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="%s"/>`, i+1, strings.TrimPrefix(sheetPart(i), "xl/"))
	}
	for _, p := range parts {
		if p.name == "xl/sharedStrings.xml" {
			fmt.Fprintf(&rels, `<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`)
		}
	}
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)
	base := []part{
		text("[Content_Types].xml", ct.String()),
		text("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		text("xl/workbook.xml", wb.String()),
		text("xl/_rels/workbook.xml.rels", rels.String()),
	}
	for _, p := range append(base, parts...) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := p.write(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return zw.Close()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

// repaymentsSheet writes a valid repayments sheet of n rows (inline
// strings, so no shared strings part is needed).
func repaymentsSheet(n int, extra func(w io.Writer, row int) error) func(io.Writer) error {
	return func(w io.Writer) error {
		io.WriteString(w, sheetHead)
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>Loan ID</t></is></c><c r="B1" t="inlineStr"><is><t>Client ID</t></is></c><c r="C1" t="inlineStr"><is><t>Amount</t></is></c></row>`)
		for r := 2; r <= n; r++ {
			if _, err := fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>L%07d</t></is></c><c r="B%d" t="inlineStr"><is><t>C%07d</t></is></c><c r="C%d"><v>%d.25</v></c></row>`, r, r, r, r, r, r, 100+r%900); err != nil {
				return err
			}
		}
		if extra != nil {
			if err := extra(w, n+1); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, sheetTail)
		return err
	}
}

func oneSheet(path string, sheet func(io.Writer) error, parts ...part) error {
	return writeXLSX(path, []string{"Repayments"}, func(int) string { return "xl/worksheets/sheet1.xml" },
		append([]part{{"xl/worksheets/sheet1.xml", sheet}}, parts...))
}

func spaces(w io.Writer, n int64) error {
	buf := bytes.Repeat([]byte(" "), 1<<20)
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// noisySpaces is n bytes of spaces with a varying digit every 128 bytes:
// about 250:1 deflated, under the ratio that refuses a part outright.
func noisySpaces(w io.Writer, n int64) error {
	buf := bytes.Repeat([]byte(" "), 1<<20)
	seed := uint32(1)
	for n > 0 {
		for i := 0; i < len(buf); i += 128 {
			seed = seed*1664525 + 1013904223
			buf[i] = '0' + byte(seed>>28)%10
		}
		k := min(n, int64(len(buf)))
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

func zipBomb(dir string) (string, []string, error) {
	p := filepath.Join(dir, "zipbomb.xlsx")
	return p, nil, oneSheet(p, repaymentsSheet(3, func(w io.Writer, _ int) error { return spaces(w, 4<<30) }))
}

func zipBombParts(dir string) (string, []string, error) {
	p := filepath.Join(dir, "zipbomb-parts.xlsx")
	const n = 6
	names := make([]string, n)
	var parts []part
	for i := range names {
		names[i] = fmt.Sprintf("S%d", i+1)
		parts = append(parts, part{fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), func(w io.Writer) error {
			io.WriteString(w, sheetHead)
			if err := noisySpaces(w, 900<<20); err != nil {
				return err
			}
			_, err := io.WriteString(w, sheetTail)
			return err
		}})
	}
	return p, nil, writeXLSX(p, names, func(i int) string { return fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1) }, parts)
}

func sharedPart(dir string) (string, []string, error) {
	p := filepath.Join(dir, "shared-part.xlsx")
	const n = 2000
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("S%d", i+1)
	}
	// Not a repayments sheet: no mapping fits any, so every sheet is tried.
	sheet := func(w io.Writer) error {
		io.WriteString(w, sheetHead)
		for r := 1; r <= 200000; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, r, r, r)
		}
		_, err := io.WriteString(w, sheetTail)
		return err
	}
	return p, nil, writeXLSX(p, names, func(int) string { return "xl/worksheets/sheet1.xml" }, []part{{"xl/worksheets/sheet1.xml", sheet}})
}

func sstHuge(dir string) (string, []string, error) {
	p := filepath.Join(dir, "sst-huge.xlsx")
	const n = 19_000_000
	sst := part{"xl/sharedStrings.xml", func(w io.Writer) error {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, n, n)
		for i := 0; i < n; i++ {
			if _, err := fmt.Fprintf(w, `<si><t>%d</t></si>`, i); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</sst>`)
		return err
	}}
	return p, nil, oneSheet(p, repaymentsSheet(1000, nil), sst)
}

func sstBadIndex(dir string) (string, []string, error) {
	p := filepath.Join(dir, "sst-bad-index.xlsx")
	return p, nil, oneSheet(p, repaymentsSheet(5, func(w io.Writer, r int) error {
		_, err := fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="s"><v>4000000000</v></c></row>`, r, r)
		return err
	}), text("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>`))
}

func wideRows(dir string) (string, []string, error) {
	p := filepath.Join(dir, "wide-rows.xlsx")
	return p, []string{"--annotate", "auto"}, oneSheet(p, repaymentsSheet(2, func(w io.Writer, r0 int) error {
		for r := r0; r < r0+250; r++ {
			fmt.Fprintf(w, `<row r="%d">`, r)
			for c := 1; c <= 16384; c++ {
				if _, err := fmt.Fprintf(w, `<c><v>%d</v></c>`, c); err != nil {
					return err
				}
			}
			io.WriteString(w, `</row>`)
		}
		return nil
	}))
}

func beyondXFD(dir string) (string, []string, error) {
	p := filepath.Join(dir, "beyond-xfd.xlsx")
	return p, nil, oneSheet(p, repaymentsSheet(3, func(w io.Writer, r int) error {
		_, err := fmt.Fprintf(w, `<row r="%d"><c r="XFE%d"><v>1</v></c></row>`, r, r)
		return err
	}))
}

func millionRowsXLSX(dir string) (string, []string, error) {
	p := filepath.Join(dir, "rows-1m.xlsx")
	return p, nil, oneSheet(p, repaymentsSheet(1048576, nil))
}

func rowsOver(dir string) (string, []string, error) {
	p := filepath.Join(dir, "rows-over.xlsx")
	return p, nil, oneSheet(p, repaymentsSheet(3, func(w io.Writer, _ int) error {
		_, err := io.WriteString(w, `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`)
		return err
	}))
}

func deepXML(dir string) (string, []string, error) {
	p := filepath.Join(dir, "deep-xml.xlsx")
	return p, nil, oneSheet(p, repaymentsSheet(3, func(w io.Writer, r int) error {
		fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is>`, r, r)
		const n = 5_000_000
		for i := 0; i < n; i++ {
			fmt.Fprintf(w, `<r x="%d">`, i*7919%1000003) // varied, so no ratio rule stops it first
		}
		for i := 0; i < n; i++ {
			io.WriteString(w, `</r>`)
		}
		_, err := io.WriteString(w, `</is></c></row>`)
		return err
	}))
}

// ---- CSV

func writeCSV(path string, write func(w *bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := write(w); err != nil {
		return err
	}
	return w.Flush()
}

const csvTarget = 99_000_000

func csvOneField(dir string) (string, []string, error) {
	p := filepath.Join(dir, "one-field.csv")
	return p, nil, writeCSV(p, func(w *bufio.Writer) error {
		for n := 0; n < csvTarget; n += 64 {
			w.WriteString("abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefgh")
		}
		return nil
	})
}

func csvUnterminated(dir string) (string, []string, error) {
	p := filepath.Join(dir, "unterminated.csv")
	return p, nil, writeCSV(p, func(w *bufio.Writer) error {
		w.WriteString("Loan ID,Client ID,Amount\nL1,C1,\"100")
		for n := 0; n < csvTarget; n += 32 {
			w.WriteString("1,2,3\nL2,C2,4,5,6\nL3,C3,7,8,9\n\n")
		}
		return nil
	})
}

func csvRepayments(path string, amount func(i int) string) error {
	return writeCSV(path, func(w *bufio.Writer) error {
		w.WriteString("Loan ID,Client ID,Amount\n")
		n := 0
		for i := 0; n < csvTarget; i++ {
			k, _ := fmt.Fprintf(w, "L%08d,C%08d,%s\n", i, i, amount(i))
			n += k
		}
		return nil
	})
}

func csvRows(dir string) (string, []string, error) {
	p := filepath.Join(dir, "repayments.csv")
	return p, nil, csvRepayments(p, func(i int) string { return fmt.Sprintf("%d.%02d", 100+i%900, i%100) })
}

func csvAllErrors(dir string) (string, []string, error) {
	p := filepath.Join(dir, "all-errors.csv")
	return p, nil, csvRepayments(p, func(int) string { return "=1+1" })
}

func annotateLimit(dir string) (string, []string, error) {
	p := filepath.Join(dir, "annotate-limit.xlsx")
	// 83,000 rows × 3 columns = 249,000 cells (AnnotateMaxCells is
	// 250,000), each row's amount wrong.
	return p, nil, oneSheet(p, func(w io.Writer) error {
		io.WriteString(w, sheetHead)
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>Loan ID</t></is></c><c r="B1" t="inlineStr"><is><t>Client ID</t></is></c><c r="C1" t="inlineStr"><is><t>Amount</t></is></c></row>`)
		for r := 2; r <= 83_001; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>L%07d</t></is></c><c r="B%d" t="inlineStr"><is><t>C%07d</t></is></c><c r="C%d" t="inlineStr"><is><t>abc</t></is></c></row>`, r, r, r, r, r, r)
		}
		_, err := io.WriteString(w, sheetTail)
		return err
	})
}

func annotateExcelize(dir string) (string, []string, error) {
	p := filepath.Join(dir, "annotate-excelize.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return "", nil, err
	}
	sw.SetRow("A1", []any{"Loan ID", "Client ID", "Amount"})
	for r := 2; r <= 83_001; r++ {
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{fmt.Sprintf("L%07d", r), fmt.Sprintf("C%07d", r), "abc"}); err != nil {
			return "", nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return "", nil, err
	}
	if err := f.SetSheetName("Sheet1", "Repayments"); err != nil {
		return "", nil, err
	}
	return p, nil, f.SaveAs(p)
}

// ---- photos

// loansXLSX writes a loan-draft workbook of n loans (a Loans sheet and a
// Schedule sheet), loan i using photo(i).
func loansXLSX(dir string, n int, photo func(i int) string) (string, error) {
	p := filepath.Join(dir, "loans.xlsx")
	row := func(w io.Writer, r int, cells ...string) {
		fmt.Fprintf(w, `<row r="%d">`, r)
		for _, c := range cells {
			fmt.Fprintf(w, `<c t="inlineStr"><is><t>%s</t></is></c>`, c)
		}
		io.WriteString(w, `</row>`)
	}
	loans := func(w io.Writer) error {
		io.WriteString(w, sheetHead)
		row(w, 1, "Loan ID", "Client ID", "First Name", "Last Name", "Gender", "Amount", "Currency", "Disbursal Date", "Activity", "Theme", "Location",
			"Description", "Description Language", "Loan Use", "Client Waiver Signed", "Image")
		for i := 0; i < n; i++ {
			row(w, i+2, fmt.Sprintf("L%06d", i), fmt.Sprintf("C%06d", i), "Grace", "Nakato", "F", "15000.50", "KES", "2026-11-10", "Cafe", "Rural Exclusion",
				"Busia, Busia County, Kenya",
				"Grace runs a small roadside café near the Busia border post, where she serves chai and chapati to traders. She plans to open earlier once she has a second stove.",
				"English", "to buy a second charcoal stove and flour for her café", "Yes", photo(i))
		}
		_, err := io.WriteString(w, sheetTail)
		return err
	}
	sched := func(w io.Writer) error {
		io.WriteString(w, sheetHead)
		row(w, 1, "Loan ID", "Due Date", "Principal", "Interest")
		for i := 0; i < n; i++ {
			row(w, i+2, fmt.Sprintf("L%06d", i), "2026-12-10", "15000.50", "0")
		}
		_, err := io.WriteString(w, sheetTail)
		return err
	}
	return p, writeXLSX(p, []string{"Loans", "Schedule"}, func(i int) string { return fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1) },
		[]part{{"xl/worksheets/sheet1.xml", loans}, {"xl/worksheets/sheet2.xml", sched}})
}

// copyReference puts the samples' reference data beside the input.
func copyReference(dir string) error {
	b, err := os.ReadFile("samples/reference.json")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "reference.json"), b, 0o644)
}

// bigPNG writes a w×h PNG of one colour: a few hundred KB on disk, w×h×4
// bytes once decoded.
func bigPNG(path string, w, h int, seed uint8) error {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Gray{seed}, color.Gray{255 - seed}})
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	return enc.Encode(f, img)
}

func photoBomb(dir string) (string, []string, error) {
	if err := bigPNG(filepath.Join(dir, "big.png"), 7071, 7071, 1); err != nil {
		return "", nil, err
	}
	p, err := loansXLSX(dir, 2000, func(int) string { return "big.png" })
	return p, nil, err
}

func photoMany(dir string) (string, []string, error) {
	const n = 400
	if err := bigPNG(filepath.Join(dir, "p0.png"), 7000, 7000, 0); err != nil {
		return "", nil, err
	}
	src, err := os.ReadFile(filepath.Join(dir, "p0.png"))
	if err != nil {
		return "", nil, err
	}
	for i := 1; i < n; i++ {
		// The same pixels with a different tail after IEND (which decoders
		// ignore): a different file each time, cheap to make.
		data := append(append([]byte(nil), src...), fmt.Sprintf("%08d", i)...)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.png", i)), data, 0o644); err != nil {
			return "", nil, err
		}
	}
	p, err := loansXLSX(dir, n, func(i int) string { return fmt.Sprintf("p%d.png", i) })
	return p, nil, err
}
