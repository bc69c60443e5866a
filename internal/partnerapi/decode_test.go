package partnerapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeAnswer(t *testing.T) {
	for _, tt := range []struct {
		name, kind, body string
		want             Response
	}{
		{"draft snake", KindLoanDraft, `{"loan_draft_uuid":"6f1c-aa"}`, Response{LoanDraftUUID: "6f1c-aa"}},
		{"draft camel", KindLoanDraft, `{"loanDraftUuid":"6f1c-bb","code":"api.success"}`, Response{LoanDraftUUID: "6f1c-bb"}},
		{"draft uuid", KindLoanDraft, `{"uuid":"u-3"}`, Response{LoanDraftUUID: "u-3"}},
		{"draft numeric id", KindLoanDraft, `{"id":987654321012}`, Response{LoanDraftUUID: "987654321012"}},
		{"draft snake wins", KindLoanDraft, `{"uuid":"later","loan_draft_uuid":"first"}`, Response{LoanDraftUUID: "first"}},
		{"draft under data", KindLoanDraft, `{"code":"api.success","data":{"loan_draft_uuid":"d-1"}}`, Response{LoanDraftUUID: "d-1"}},
		{"draft empty body", KindLoanDraft, ``, Response{}},
		{"draft not JSON", KindLoanDraft, `Created`, Response{}},
		{"draft null", KindLoanDraft, `{"loan_draft_uuid":null}`, Response{}},
		{"repayments", KindRepayments, `{"upload_id":"up-1","problems":[{"loan_id":"L-1","message":"not payingBack"},{"loanId":42,"error":"unknown loan"}]}`,
			Response{UploadID: "up-1", Problems: []LoanProblem{
				{LoanID: "L-1", Message: "not payingBack", Raw: json.RawMessage(`{"loan_id":"L-1","message":"not payingBack"}`)},
				{LoanID: "42", Message: "unknown loan", Raw: json.RawMessage(`{"loanId":42,"error":"unknown loan"}`)},
			}}},
		{"repayments camel errors", KindRepayments, `{"uploadId":77,"errors":[{"internal_loan_id":"L-9","description":"duplicate"},"loose text"]}`,
			Response{UploadID: "77", Problems: []LoanProblem{
				{LoanID: "L-9", Message: "duplicate", Raw: json.RawMessage(`{"internal_loan_id":"L-9","description":"duplicate"}`)},
				{Message: "loose text", Raw: json.RawMessage(`"loose text"`)},
			}}},
		{"repayments empty problems", KindRepayments, `{"upload_id":"u","problems":[]}`, Response{UploadID: "u", Problems: []LoanProblem{}}},
		{"repayments no body", KindRepayments, ``, Response{}},
		{"journals list", KindJournals, `[{"confirm_url":"https://pa2/c/1"},{"confirmUrl":"https://pa2/c/2"}]`,
			Response{ConfirmURLs: []string{"https://pa2/c/1", "https://pa2/c/2"}}},
		{"journals nested in order", KindJournals, `{"b":{"x":[{"confirm_url":"u1"}]},"confirm_url":"u2","a":[{"deep":{"ConfirmURL":"u3"}}],"confirm_url_note":"no"}`,
			Response{ConfirmURLs: []string{"u1", "u2", "u3"}}},
		{"journals non-string confirm", KindJournals, `{"confirm_url":{"confirm_url":"inner"}}`, Response{ConfirmURLs: []string{"inner"}}},
		{"journals none", KindJournals, `{"code":"api.success"}`, Response{}},
		{"journals garbage", KindJournals, `<html>`, Response{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &Response{Status: 200, Body: []byte(tt.body)}
			decodeAnswer(tt.kind, r)
			tt.want.Status, tt.want.Body = 200, []byte(tt.body)
			if !reflect.DeepEqual(*r, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *r, tt.want)
			}
		})
	}
}

func TestMessageFrom(t *testing.T) {
	long := strings.Repeat("word ", 100)
	for _, tt := range []struct{ body, want string }{
		{``, ""},
		{`{"message":"bad loan"}`, "bad loan"},
		{`{"error":"invalid_client","error_description":"Unauthorized"}`, "Unauthorized"},
		{`{"error":"invalid_client"}`, "invalid_client"},
		{`{"error":{"message":"nested"}}`, "nested"},
		{`{"errors":[{"message":"first"},{"message":"second"}]}`, "first"},
		{`{"errors":["plain first"]}`, "plain first"},
		{`{"code":"x","message":"","detail":"the detail"}`, "the detail"},
		{`{"code":"api.error"}`, ""},
		{`"just text"`, "just text"},
		{`[{"message":"in a list"}]`, "in a list"},
		{"  line one\n\tline two  ", "line one line two"},
		{long, strings.TrimSpace(long)[:200] + "…"},
		{`<!DOCTYPE html><html><head><TITLE>Gateway Timeout</TITLE></head></html>`, "Gateway Timeout"},
		{`<html><body>no title</body></html>`, ""},
	} {
		if got := messageFrom([]byte(tt.body)); got != tt.want {
			t.Errorf("messageFrom(%.40q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestDecodeLoan(t *testing.T) {
	for _, tt := range []struct {
		name, item string
		want       Loan
	}{
		{"sandbox shape", `{"id":2400001,"internal_loan_id":"L-0001","internal_client_id":"C-0001","name":"Amina Otieno","status":"payingBack","currency":"KES","loan_amount":"25000.00"}`,
			Loan{ID: "2400001", InternalLoanID: "L-0001", InternalClientID: "C-0001", Name: "Amina Otieno", Status: "payingBack", Currency: "KES", Amount: "25000.00"}},
		{"camelCase", `{"kivaId":"77","internalLoanId":"L-2","internalClientId":"C-2","borrowerName":"Juan Pérez","status":"defaulted","currencyCode":"PHP","loanAmount":1250.50}`,
			Loan{ID: "77", InternalLoanID: "L-2", InternalClientID: "C-2", Name: "Juan Pérez", Status: "defaulted", Currency: "PHP", Amount: "1250.50"}},
		{"partner ids and first/last", `{"loan_id":5,"partner_loan_id":"PL","client_id":"CL","first_name":"Ama","last_name":"Mensah","amount":100}`,
			Loan{ID: "5", InternalLoanID: "PL", InternalClientID: "CL", Name: "Ama Mensah", Amount: "100"}},
		{"group name", `{"id":9,"group_name":"Umoja Group","borrowers":[{"first_name":"A"}]}`,
			Loan{ID: "9", Name: "Umoja Group"}},
		{"first borrower", `{"id":10,"borrowers":[{"firstName":"Nia","lastName":"Ode"},{"name":"Other"}]}`,
			Loan{ID: "10", Name: "Nia Ode"}},
		{"first entrep with a name", `{"id":11,"entreps":[{"gender":"female"},{"name":"Second"}]}`,
			Loan{ID: "11", Name: "Second"}},
		{"exact amount", `{"id":1,"loan_amount":12345678901234567890.125}`,
			Loan{ID: "1", Amount: "12345678901234567890.125"}},
		{"empty", `{}`, Loan{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeLoan(json.RawMessage(tt.item))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Raw = json.RawMessage(tt.item)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if _, err := decodeLoan(json.RawMessage(`[1]`)); err == nil {
		t.Error("a list item that is no object decoded")
	}
}
