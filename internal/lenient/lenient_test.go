package lenient

import (
	"encoding/json"
	"testing"
)

func TestDecodeObjectAndGet(t *testing.T) {
	o, ok := DecodeObject([]byte(`{"loanDraftUuid":"camel","loan_draft_uuid":"snake","LoanID":7,"x":null}`))
	if !ok {
		t.Fatal("not an object")
	}
	if v, _ := o.Get("loan_draft_uuid"); string(v) != `"snake"` {
		t.Errorf("snake_case must win: %s", v)
	}
	if v, ok := o.Get("loan_id", "loanId"); !ok || string(v) != "7" {
		t.Errorf("LoanID: %s %v", v, ok)
	}
	if _, ok := o.Get("x"); ok {
		t.Error("null counts as absent")
	}
	for _, raw := range []string{`[1]`, `"s"`, ``, `{bad`} {
		if _, ok := DecodeObject([]byte(raw)); ok {
			t.Errorf("%q decoded as an object", raw)
		}
	}
}

func TestText(t *testing.T) {
	for raw, want := range map[string]string{`" a "`: "a", `12.50`: "12.50", `-3`: "-3", `1e3`: "1e3"} {
		if got, ok := Text(json.RawMessage(raw)); !ok || got != want {
			t.Errorf("Text(%s) = %q %v, want %q", raw, got, ok, want)
		}
	}
	for _, raw := range []string{`true`, `null`, `{}`, `[]`} {
		if _, ok := Text(json.RawMessage(raw)); ok {
			t.Errorf("Text(%s) accepted", raw)
		}
	}
}
