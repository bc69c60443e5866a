package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	apisettings "github.com/kiva-partners/kivaconv/internal/settings"
	"github.com/kiva-partners/kivaconv/send"
)

// productionPlan is a plan with one batch to send.
func productionPlan(t *testing.T) *send.Plan {
	t.Helper()
	return &send.Plan{Env: "production", APIURL: "https://partner-api.k1.kiva.org", PartnerID: "1234",
		Folders: []*send.Folder{{Items: []*send.Item{{File: "repayments-0001.json", Records: 3, Status: send.StatusPending}}}}}
}

func TestProductionGuard(t *testing.T) {
	for _, tt := range []struct {
		name, typed string
		want        error
	}{
		{"yes", "yes\n", nil},
		{"YES", " YES \n", nil},
		{"no", "no\n", send.ErrNotConfirmed},
		{"nothing", "", send.ErrNotConfirmed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var errb bytes.Buffer
			io := &IO{In: strings.NewReader(tt.typed), Out: io.Discard, Err: &errb, InTTY: true}
			err := productionGuard(context.Background(), io, false)(productionPlan(t))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if !strings.Contains(errb.String(), "PRODUCTION: about to send 1 batch file(s), 3 record(s)") {
				t.Errorf("stderr %q", errb.String())
			}
		})
	}
}

// Ctrl-C at the question stops the run (exit 130) instead of waiting for
// Enter.
func TestProductionGuardInterrupted(t *testing.T) {
	pr, pw := io.Pipe() // no one types
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	io := &IO{In: pr, Out: io.Discard, Err: io.Discard, InTTY: true}
	err := productionGuard(ctx, io, false)(productionPlan(t))
	if !errors.Is(err, context.Canceled) || exitCode(err) != exitCanceled {
		t.Fatalf("err %v (exit %d)", err, exitCode(err))
	}
}

func TestSendExit(t *testing.T) {
	prof := &apisettings.Profile{Name: "stage"}
	sum := func(counts map[send.Outcome]int) *send.Summary { return &send.Summary{Counts: counts} }
	for _, tt := range []struct {
		name string
		err  error
		sum  *send.Summary
		want int
	}{
		{"all sent", nil, sum(map[send.Outcome]int{send.OutcomeSent: 2}), exitOK},
		{"failed", nil, sum(map[send.Outcome]int{send.OutcomeSent: 1, send.OutcomeFailed: 1}), exitRejected},
		{"unconfirmed", nil, sum(map[send.Outcome]int{send.OutcomeFailed: 1, send.OutcomeSkippedUnconfirmed: 1}), exitUnconfirmed},
		{"another send on the folder", fmt.Errorf("out/loans.kiva: %w", send.ErrFolderBusy), nil, exitUsage},
		{"not confirmed", send.ErrNotConfirmed, nil, exitUsage},
		{"interrupted", context.Canceled, sum(nil), exitCanceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(sendExit(tt.err, tt.sum, prof)); got != tt.want {
				t.Errorf("exit %d, want %d", got, tt.want)
			}
		})
	}
}
