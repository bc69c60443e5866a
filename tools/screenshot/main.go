// Command screenshot makes docs/review.png, the picture of review.html in
// the README: it converts a copy of samples/loans.xlsx with two mistakes
// (so the problems list and the badges show) and photographs the report in
// headless chromium.
//
//	go run ./tools/screenshot            # from the repository root
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/review"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

func main() {
	out := flag.String("out", "docs/review.png", "the PNG to write")
	width := flag.Int("width", 1280, "window width")
	height := flag.Int("height", 1800, "window height")
	flag.Parse()
	if err := run(*out, *width, *height); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

func run(out string, width, height int) error {
	tmp, err := os.MkdirTemp("", "kivaconv-shot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, f := range []string{"loans.xlsx", "reference.json", "photos/nakato.jpg", "photos/group-tusubira.jpg"} {
		data, err := os.ReadFile(filepath.Join("samples", f))
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	in := filepath.Join(tmp, "loans.xlsx")
	f, err := excelize.OpenFile(in)
	if err != nil {
		return err
	}
	f.SetCellStr("Loans", "F5", "12x") // an amount that is not a number
	f.SetCellStr("Loans", "E6", "")    // a missing gender
	if err := f.Save(); err != nil {
		return err
	}
	f.Close()
	ref, err := kiva.LoadReference(filepath.Join(tmp, "reference.json"))
	if err != nil {
		return err
	}
	cands, _ := mappings.Candidates()
	sum, err := convert.Run(context.Background(), convert.Options{
		Input: in, Mode: convert.Write, Candidates: cands, Reference: ref,
		Today: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Target: "stage: https://partnerapi.staging.kiva.org, partner 1234",
		Annotate: convert.AnnotateNever,
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	return review.Screenshot(ctx, "", filepath.Join(sum.OutDir, review.File), abs, width, height)
}
