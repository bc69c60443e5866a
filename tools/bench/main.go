// Command bench measures kivaconv on large generated inputs and compares
// it with the baselines named in the README: Miller (`mlr --icsv --ojson
// cat`, no validation) for CSV, and a bare excelize raw-value row
// iteration for XLSX. Each program runs as its own process so wall time
// and peak memory (max RSS) are measured the same way for all.
//
//	go run ./tools/bench          # 100k and 1M rows (make bench)
//	go run ./tools/bench -rows 100000 -runs 1
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	dir := flag.String("dir", filepath.Join(os.TempDir(), "kivaconv-bench"), "where inputs and outputs go")
	rowsFlag := flag.String("rows", "100000,1000000", "repayment file sizes")
	loans := flag.Int("loans", 100000, "rows of the loans workbook (0: skip)")
	runs := flag.Int("runs", 3, "runs per measurement (the best is reported)")
	gen := flag.String("generate", "", "internal: write one input file (kind:path:rows) and exit")
	flag.Parse()
	if *gen != "" {
		must(generate(*gen))
		return
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fatal(err)
	}
	bin := filepath.Join(*dir, "kivaconv")
	raw := filepath.Join(*dir, "excelizeraw")
	must(goBuild(bin, "./cmd/kivaconv"))
	must(goBuild(raw, "./tools/bench/excelizeraw"))
	mlr, _ := exec.LookPath("mlr")

	fmt.Printf("| input | rows | program | best wall | rows/s | peak RSS |\n|---|---|---|---|---|---|\n")
	for _, s := range strings.Split(*rowsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fatal(err)
		}
		csvPath := filepath.Join(*dir, fmt.Sprintf("repayments-%d.csv", n))
		must(ensure(csvPath, "csv", n))
		report("repayments CSV", n, "kivaconv convert", measure(*runs, bin, "convert", "--mapping", "repayments", "--overwrite", "--out", filepath.Join(*dir, "out-csv"), csvPath))
		if mlr != "" {
			report("repayments CSV", n, "mlr --icsv --ojson cat", measure(*runs, mlr, "--icsv", "--ojson", "cat", csvPath))
		}
		if n <= 100000 {
			xlsxPath := filepath.Join(*dir, fmt.Sprintf("repayments-%d.xlsx", n))
			must(ensure(xlsxPath, "xlsx", n))
			report("repayments XLSX", n, "kivaconv convert", measure(*runs, bin, "convert", "--mapping", "repayments", "--overwrite", "--out", filepath.Join(*dir, "out-xlsx"), xlsxPath))
			report("repayments XLSX", n, "excelize raw iteration", measure(*runs, raw, xlsxPath))
		}
	}
	if *loans > 0 {
		p := filepath.Join(*dir, fmt.Sprintf("loans-%d.xlsx", *loans))
		must(ensure(p, "loans", *loans))
		report("loans XLSX", *loans, "kivaconv convert", measure(1, bin, "convert", "--mapping", "loans", "--today", "2026-11-26", "--overwrite", "--out", filepath.Join(*dir, "out-loans"), p))
	}
}

type result struct {
	wall   time.Duration
	maxRSS int64 // bytes
	err    error
}

func measure(runs int, name string, args ...string) result {
	best := result{wall: -1}
	for i := 0; i < runs; i++ {
		cmd := exec.Command(name, args...)
		cmd.Stdout = nil
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
			err = nil // rows rejected is still a full run
		}
		if err != nil {
			return result{err: fmt.Errorf("%s: %v: %s", name, err, stderr.String())}
		}
		rss := int64(0)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = int64(ru.Maxrss) * 1024 // Linux reports KiB
		}
		if best.wall < 0 || wall < best.wall {
			best.wall = wall
		}
		if rss > best.maxRSS {
			best.maxRSS = rss
		}
	}
	return best
}

func report(input string, rows int, prog string, r result) {
	if r.err != nil {
		fmt.Printf("| %s | %d | %s | error: %v | | |\n", input, rows, prog, r.err)
		return
	}
	fmt.Printf("| %s | %d | %s | %.2fs | %.0f | %.1f MiB |\n", input, rows, prog,
		r.wall.Seconds(), float64(rows)/r.wall.Seconds(), float64(r.maxRSS)/(1<<20))
}

func goBuild(out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// ensure generates path in a child process when it is missing. Linux
// keeps a process's peak RSS across fork and exec, so generating the large
// inputs here would inflate every measurement that follows.
func ensure(path string, kind string, rows int) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "generating %s…\n", path)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-generate", fmt.Sprintf("%s:%s:%d", kind, path, rows))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func generate(spec string) error {
	kind, rest, _ := strings.Cut(spec, ":")
	i := strings.LastIndex(rest, ":")
	if i < 0 {
		return fmt.Errorf("bad -generate %q", spec)
	}
	path := rest[:i]
	rows, err := strconv.Atoi(rest[i+1:])
	if err != nil {
		return err
	}
	switch kind {
	case "csv":
		return writeRepaymentsCSV(path, rows)
	case "xlsx":
		return writeRepaymentsXLSX(path, rows)
	case "loans":
		return writeLoansXLSX(path, rows)
	}
	return fmt.Errorf("bad -generate kind %q", kind)
}

// loanID is the i-th generated loan id: text with leading zeros.
func loanID(i int) string { return fmt.Sprintf("L%08d", i) }

// amount is a deterministic decimal amount with 2 places.
func amount(r *rand.Rand) string {
	return fmt.Sprintf("%d.%02d", 100+r.IntN(50000), r.IntN(100))
}

func writeRepaymentsCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	fmt.Fprintln(w, "Loan ID,Client ID,Amount")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, "%s,C%07d,%s\n", loanID(i), i, amount(r))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeRepaymentsXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"Loan ID", "Client ID", "Amount"}); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 1; i <= n; i++ {
		a, _ := strconv.ParseFloat(amount(r), 64)
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, []any{loanID(i), fmt.Sprintf("C%07d", i), a}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// writeLoansXLSX writes n borrower rows: individual loans and groups of
// four, each with a three-installment schedule.
func writeLoansXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Loans")
	if _, err := f.NewSheet("Schedule"); err != nil {
		return err
	}
	loans, err := f.NewStreamWriter("Loans")
	if err != nil {
		return err
	}
	header := []any{"Loan ID", "Client ID", "First Name", "Last Name", "Gender", "Amount", "Currency", "Disbursal Date",
		"Activity", "Theme", "Location", "Description", "Description Language", "Loan Use", "Client Waiver Signed",
		"Image", "Group Name", "Group Loan ID", "Group Client ID", "Pictured"}
	if err := loans.SetRow("A1", header); err != nil {
		return err
	}
	type sched struct {
		id    string
		total int
	}
	var schedules []sched
	row := 2
	for i := 1; i <= n; {
		groupSize := 1
		if i%5 == 0 && i+3 <= n {
			groupSize = 4
		}
		gid, total := "", 0
		if groupSize > 1 {
			gid = fmt.Sprintf("G%07d", i)
		}
		for k := 0; k < groupSize; k++ {
			amt := 300 + (i%7)*100
			total += amt
			vals := []any{loanID(i), fmt.Sprintf("C%07d", i), "Amina", fmt.Sprintf("Borrower%d", i), "F", amt, "KES", "2026-11-20",
				"1", "", "", "Amina sells vegetables at the market in her town and wants to grow her stall.", "1", "to buy more vegetables to sell", "Yes",
				"", "", gid, "", ""}
			if gid != "" {
				vals[16], vals[18], vals[19] = "Group "+gid, "GC"+gid, "Yes"
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := loans.SetRow(cell, vals); err != nil {
				return err
			}
			row++
			i++
		}
		id := loanID(i - 1)
		if gid != "" {
			id = gid
		}
		schedules = append(schedules, sched{id, total})
	}
	if err := loans.Flush(); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Schedule")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"Loan ID", "Due Date", "Principal", "Interest"}); err != nil {
		return err
	}
	row = 2
	for _, s := range schedules {
		first := s.total / 3
		parts := []int{first, first, s.total - 2*first}
		for k, p := range parts {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, []any{s.id, fmt.Sprintf("2027-%02d-20", k+1), p, 10}); err != nil {
				return err
			}
			row++
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func must(err error) {
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
