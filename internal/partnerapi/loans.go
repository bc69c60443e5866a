package partnerapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/lenient"
)

// MaxLoansLimit is the largest page the loans list is asked for (Kiva
// advises against more).
const MaxLoansLimit = 300

// defaultMaxPages bounds EachLoan: 1000 pages of 300 is far more loans
// than any partner has, so reaching it means the server never ends.
const defaultMaxPages = 1000

// values checks a LoansQuery and returns its query parameters.
func (q LoansQuery) values() (url.Values, int, error) {
	limit := q.Limit
	if limit == 0 {
		limit = MaxLoansLimit
	}
	if limit < 1 || limit > MaxLoansLimit {
		return nil, 0, fmt.Errorf("loans page size %d: give 1 to %d", q.Limit, MaxLoansLimit)
	}
	if q.Offset < 0 {
		return nil, 0, fmt.Errorf("loans offset %d cannot be negative", q.Offset)
	}
	v := url.Values{}
	var status []string
	for _, s := range q.Status {
		if s = strings.TrimSpace(s); s != "" {
			status = append(status, s)
		}
	}
	if len(status) > 0 {
		v.Set("status", strings.Join(status, ","))
	}
	if q.Query != "" {
		v.Set("query", q.Query)
	}
	v.Set("offset", strconv.Itoa(q.Offset))
	v.Set("limit", strconv.Itoa(limit))
	return v, limit, nil
}

// Loans reads one page of the partner's loans (GET …/loans). Limit 0
// means 300; it must be 1..300. TotalRecords is -1 when the answer does
// not give total_records. Transient failures are retried a few times.
func (c *Client) Loans(ctx context.Context, q LoansQuery) (*LoansPage, error) {
	v, _, err := q.values()
	if err != nil {
		return nil, err
	}
	r, err := c.get(ctx, KindLoans, v)
	if err != nil {
		return nil, err
	}
	page, err := decodeLoansPage(r.Body)
	if err != nil {
		return nil, c.unreadable(KindLoans, v, r, "a loans list", err)
	}
	return page, nil
}

// unreadable is the error for a 2xx answer that cannot be decoded.
func (c *Client) unreadable(kind string, v url.Values, r *Response, what string, err error) *Error {
	u := c.EndpointURL(kind)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	msg := fmt.Sprintf("the answer is not %s: %v", what, err)
	if r.Truncated {
		msg += fmt.Sprintf(" (the answer was cut at %d bytes)", c.cfg.MaxResponse)
	}
	return &Error{Op: http.MethodGet + " " + u, Status: r.Status, Body: r.Body, Truncated: r.Truncated,
		Written: true, Class: NotApplied, Message: msg}
}

// EachLoan calls fn for every loan matching q, page by page from
// q.Offset (q.Limit per page, 0 meaning 300). It stops after
// total_records loans, at an empty page, at a short page when the answer
// gives no total (a server may cap pages below the limit), at fn's first
// error (returned as is), or with an error when the server seems never to
// end (it repeats a page, or keeps sending full pages past any sane count).
func (c *Client) EachLoan(ctx context.Context, q LoansQuery, fn func(Loan) error) error {
	_, limit, err := q.values()
	if err != nil {
		return err
	}
	q.Limit = limit
	var prevFirst json.RawMessage
	for pages := 0; ; pages++ {
		if pages >= c.maxPages {
			return fmt.Errorf("the loans list did not end after %d pages of %d (offset %d): the server seems to ignore offset or total_records; stopped",
				pages, limit, q.Offset)
		}
		page, err := c.Loans(ctx, q)
		if err != nil {
			return err
		}
		n := len(page.Loans)
		if n > 0 && prevFirst != nil && bytes.Equal(page.Loans[0].Raw, prevFirst) {
			return fmt.Errorf("the loans list answered offset %d with the same page as before: the server seems to ignore offset; stopped", q.Offset)
		}
		if n > 0 {
			prevFirst = page.Loans[0].Raw
		}
		for _, l := range page.Loans {
			if err := fn(l); err != nil {
				return err
			}
		}
		q.Offset += n
		// A short page ends the list only when the answer gives no total:
		// a server may cap pages below the limit asked for.
		if n == 0 || (page.TotalRecords >= 0 && q.Offset >= page.TotalRecords) || (page.TotalRecords < 0 && n < limit) {
			return nil
		}
	}
}

// decodeLoansPage reads {"total_records": N, "data": […]} (or totalRecords,
// loans, items; or a bare list).
func decodeLoansPage(body []byte) (*LoansPage, error) {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(body) == 0 {
		return nil, errors.New("the answer is empty")
	}
	if !json.Valid(body) {
		return nil, errors.New("the answer is not valid JSON")
	}
	page := &LoansPage{TotalRecords: -1}
	list := json.RawMessage(body)
	if o, ok := objectOf(body); ok {
		if v, ok := o.get("total_records", "total", "total_count", "count"); ok {
			s, _ := lenient.Text(v)
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("total_records %s is not a count", shorten(string(v), 40))
			}
			page.TotalRecords = n
		}
		v, ok := o.get("data", "loans", "items", "results")
		if !ok {
			return nil, errors.New(`no "data" list of loans in it`)
		}
		if inner, ok := objectOf(v); ok { // {"data": {"loans": […]}}
			if iv, ok := inner.get("loans", "data", "items"); ok {
				v = iv
			}
		}
		list = v
	}
	if lenient.Kind(list) != '[' {
		return nil, fmt.Errorf("the loans should be a list, not %s", shorten(string(list), 40))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(list, &items); err != nil {
		return nil, err
	}
	page.Loans = make([]Loan, 0, len(items))
	for i, it := range items {
		l, err := decodeLoan(it)
		if err != nil {
			return nil, fmt.Errorf("loan %d of the page: %w", i+1, err)
		}
		page.Loans = append(page.Loans, l)
	}
	return page, nil
}

// decodeLoan reads one loans-list item leniently (snake_case or
// camelCase keys, ids as numbers or strings).
func decodeLoan(raw json.RawMessage) (Loan, error) {
	o, ok := objectOf(raw)
	if !ok {
		return Loan{}, fmt.Errorf("should be an object, not %s", shorten(string(raw), 40))
	}
	l := Loan{
		ID:               o.text("id", "kiva_id", "kiva_loan_id", "loan_id"),
		InternalLoanID:   o.text("internal_loan_id", "partner_loan_id", "client_loan_id"),
		InternalClientID: o.text("internal_client_id", "client_id", "partner_client_id"),
		Name:             o.text("name", "borrower_name", "group_name"),
		Status:           o.text("status", "loan_status"),
		Currency:         o.text("currency", "currency_code"),
		Amount:           o.text("loan_amount", "amount"),
		Raw:              append(json.RawMessage(nil), bytes.TrimSpace(raw)...),
	}
	if l.Name == "" {
		l.Name = personName(o)
	}
	if l.Name == "" {
		for _, list := range []string{"borrowers", "entreps"} {
			if v, ok := o.get(list); ok {
				var items []json.RawMessage
				if json.Unmarshal(v, &items) == nil {
					for _, it := range items {
						if bo, ok := objectOf(it); ok {
							if l.Name = bo.text("name", "borrower_name"); l.Name == "" {
								l.Name = personName(bo)
							}
						}
						if l.Name != "" {
							break
						}
					}
				}
			}
			if l.Name != "" {
				break
			}
		}
	}
	return l, nil
}

func personName(o fields) string {
	return strings.TrimSpace(o.text("first_name", "firstname") + " " + o.text("last_name", "lastname"))
}
