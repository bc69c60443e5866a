package partnerapi

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/kiva-partners/kivaconv/internal/lenient"
)

// fields is a JSON object whose keys are folded, so that loan_draft_uuid,
// loanDraftUuid and LoanDraftUUID are one key (see internal/lenient).
type fields struct{ lenient.Object }

// objectOf decodes a JSON object with folded keys.
func objectOf(raw []byte) (fields, bool) {
	o, ok := lenient.DecodeObject(raw)
	return fields{o}, ok
}

// get returns the first present, non-null value among the spellings.
func (o fields) get(names ...string) (json.RawMessage, bool) { return o.Get(names...) }

// text returns the first of the spellings that holds text or a number.
func (o fields) text(names ...string) string {
	for _, n := range names {
		if v, ok := o.get(n); ok {
			if s, ok := lenient.Text(v); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// limitBody cuts b to max bytes, setting *cut when it does.
func limitBody(b []byte, max int64, cut *bool) []byte {
	if int64(len(b)) > max {
		*cut = true
		return b[:max]
	}
	return b
}

// readBody reads at most max bytes of r. cut is true when there was more,
// or when reading failed part way (err says why).
func readBody(r io.Reader, max int64) (b []byte, cut bool, err error) {
	b, err = io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(b)) > max {
		return b[:max], true, nil
	}
	return b, err != nil, err
}

// answerObjects returns the body as an object, or the object under "data" when
// the answer wraps its fields there; nil when the body is no object.
func answerObjects(body []byte) []fields {
	top, ok := objectOf(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if !ok {
		return nil
	}
	out := []fields{top}
	if d, ok := top.get("data", "result"); ok {
		if inner, ok := objectOf(d); ok {
			out = append(out, inner)
		}
	}
	return out
}

// decodeAnswer fills the known fields of a 2xx answer for an endpoint
// kind. Anything it cannot read is left empty: the raw body stays.
func decodeAnswer(kind string, r *Response) {
	switch kind {
	case KindLoanDraft:
		for _, o := range answerObjects(r.Body) {
			if s := o.text("loan_draft_uuid", "loan_draft_id", "uuid", "id"); s != "" {
				r.LoanDraftUUID = s
				return
			}
		}
	case KindRepayments:
		for _, o := range answerObjects(r.Body) {
			if r.UploadID == "" {
				r.UploadID = o.text("upload_id")
			}
			if r.Problems == nil {
				r.Problems = problems(o)
			}
		}
	case KindJournals:
		r.ConfirmURLs = confirmURLs(r.Body)
	}
}

// problems reads the per-loan problems of a repayments answer: a list
// under "problems" or "errors", each an object (or a bare message).
func problems(o fields) []LoanProblem {
	v, ok := o.get("problems", "errors")
	if !ok || lenient.Kind(v) != '[' {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		return nil
	}
	out := make([]LoanProblem, 0, len(items))
	for _, it := range items {
		p := LoanProblem{Raw: append(json.RawMessage(nil), bytes.TrimSpace(it)...)}
		if po, ok := objectOf(it); ok {
			p.LoanID = po.text("loan_id", "internal_loan_id", "partner_loan_id", "loan")
			p.Message = po.text("message", "error", "description", "error_description", "reason")
		} else if s, ok := lenient.Text(it); ok {
			p.Message = s
		}
		out = append(out, p)
	}
	return out
}

// confirmURLs collects every "confirm_url" / "confirmUrl" text value in
// the document, at any depth, in document order.
func confirmURLs(body []byte) []string {
	var out []string
	walkConfirm(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), &out, 0)
	return out
}

func walkConfirm(v json.RawMessage, out *[]string, depth int) {
	if depth > 64 {
		return
	}
	switch lenient.Kind(v) {
	case '{':
		dec := json.NewDecoder(bytes.NewReader(v))
		if _, err := dec.Token(); err != nil { // {
			return
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return
			}
			key, _ := kt.(string)
			var val json.RawMessage
			if err := dec.Decode(&val); err != nil {
				return
			}
			if lenient.FoldKey(key) == "confirmurl" {
				if s, ok := lenient.Text(val); ok && lenient.Kind(val) == '"' && s != "" {
					*out = append(*out, s)
					continue
				}
			}
			walkConfirm(val, out, depth+1)
		}
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(v, &items) != nil {
			return
		}
		for _, it := range items {
			walkConfirm(it, out, depth+1)
		}
	}
}
