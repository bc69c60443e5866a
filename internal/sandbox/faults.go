package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// FaultKind is what an injected fault does to a request.
type FaultKind string

// The fault kinds of a fault plan. 500, 502 and 504 apply the request and
// then answer the error: the client cannot tell the request took effect
// (the dangerous "answer lost" case). 503 and 429 do not apply it and carry
// Retry-After: 1. 401 does not apply it and revokes the token. drop-before
// reads the request and closes the connection without applying it;
// drop-after applies it and closes the connection without answering. hang
// holds the request, unapplied, until the client gives up (or 60 s pass,
// then answers 504).
const (
	Fault500        FaultKind = "500"
	Fault502        FaultKind = "502"
	Fault503        FaultKind = "503"
	Fault504        FaultKind = "504"
	Fault429        FaultKind = "429"
	Fault401        FaultKind = "401"
	FaultDropBefore FaultKind = "drop-before"
	FaultDropAfter  FaultKind = "drop-after"
	FaultHang       FaultKind = "hang"
)

// faultKinds lists the valid kinds in the order error messages show them.
var faultKinds = []FaultKind{Fault500, Fault502, Fault503, Fault504, Fault429, Fault401, FaultDropBefore, FaultDropAfter, FaultHang}

// Endpoint names: a fault plan's filters, and the Endpoint of a FaultEvent
// or a Rejection.
const (
	EndpointToken      = "token"
	EndpointLoanDraft  = "loan_draft"
	EndpointRepayments = "repayments"
	EndpointJournals   = "journals"
	EndpointLoans      = "loans"
	EndpointConfig     = "config"
)

var endpoints = []string{EndpointLoanDraft, EndpointRepayments, EndpointJournals, EndpointLoans, EndpointConfig, EndpointToken}

// appliesFirst reports whether the kind lets the request take effect before
// the fault strikes.
func (k FaultKind) appliesFirst() bool {
	switch k {
	case Fault500, Fault502, Fault504, FaultDropAfter:
		return true
	}
	return false
}

// describe says in words what the kind does to a request.
func (k FaultKind) describe() string {
	switch k {
	case Fault500, Fault502, Fault504:
		return "apply it, then answer HTTP " + string(k) + " (answer lost: the client cannot know it took effect)"
	case Fault503, Fault429:
		return "answer HTTP " + string(k) + " with Retry-After: 1, without applying it"
	case Fault401:
		return "answer HTTP 401 and revoke the token, without applying it"
	case FaultDropBefore:
		return "close the connection without applying it"
	case FaultDropAfter:
		return "apply it, then close the connection without answering"
	case FaultHang:
		return "never answer (until the client gives up, at most 60 s), without applying it"
	}
	return string(k)
}

// FaultItem is one item of a fault plan.
type FaultItem struct {
	// Endpoint restricts the item to one endpoint (EndpointLoanDraft, …);
	// "" means every API endpoint. EndpointToken targets token requests,
	// which no other item touches.
	Endpoint string
	Kind     FaultKind
	// Count is how many matching requests the item strikes, in turn (a
	// sequence item); 0 for a probabilistic item.
	Count int
	// P is the probability with which the item strikes each matching
	// request (0 < P ≤ 1); 0 for a sequence item.
	P float64
}

func (it FaultItem) matches(endpoint string) bool {
	if it.Endpoint == "" {
		return endpoint != EndpointToken
	}
	return it.Endpoint == endpoint
}

// String is the item in the --faults syntax.
func (it FaultItem) String() string {
	s := string(it.Kind)
	if it.Endpoint != "" {
		s = it.Endpoint + ":" + s
	}
	switch {
	case it.P > 0:
		s += "@" + strconv.FormatFloat(it.P, 'g', -1, 64)
	case it.Count > 1:
		s += "*" + strconv.Itoa(it.Count)
	}
	return s
}

// describe is the item in words.
func (it FaultItem) describe() string {
	what := "API request"
	switch it.Endpoint {
	case "":
	case EndpointToken:
		what = "token request"
	case EndpointLoanDraft:
		what = "loan draft request"
	default:
		what = it.Endpoint + " request"
	}
	switch {
	case it.P > 0:
		return fmt.Sprintf("each %s, with probability %g: %s", what, it.P, it.Kind.describe())
	case it.Count > 1:
		return fmt.Sprintf("the next %d %ss: %s", it.Count, what, it.Kind.describe())
	}
	return fmt.Sprintf("the next %s: %s", what, it.Kind.describe())
}

// FaultPlan is a parsed --faults specification: which requests fail, and
// how. Sequence items are consumed in order: a request takes the first
// item that matches its endpoint and still has requests left. When none
// does, each matching probabilistic item is tried in order. A FaultPlan is
// safe for concurrent use.
type FaultPlan struct {
	items []FaultItem

	mu   sync.Mutex
	left []int // per item: requests left for a sequence item
	rng  *rand.Rand
}

// FaultSyntax is the --faults syntax in one paragraph, for help texts and
// error messages.
const FaultSyntax = `comma-separated items, each KIND (the next matching request), KIND*N (the next N) or KIND@P (each one with probability P, 0<P≤1), optionally prefixed by loan_draft:, repayments:, journals:, loans:, config: or token:. Kinds: 500, 502, 504 (applied, answer lost), 503, 429, 401 (not applied), drop-before, drop-after, hang`

// ParseFaults reads a fault plan: comma-separated items, each
// [ENDPOINT:]KIND, [ENDPOINT:]KIND*N or [ENDPOINT:]KIND@P (see FaultSyntax).
// An empty spec is an empty plan.
func ParseFaults(spec string) (*FaultPlan, error) {
	p := &FaultPlan{rng: rand.New(rand.NewPCG(0, 0))}
	if strings.TrimSpace(spec) == "" {
		return p, nil
	}
	for i, raw := range strings.Split(spec, ",") {
		it, err := parseFaultItem(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("fault plan item %d %q: %w", i+1, strings.TrimSpace(raw), err)
		}
		p.items = append(p.items, it)
		p.left = append(p.left, it.Count)
	}
	return p, nil
}

func parseFaultItem(s string) (FaultItem, error) {
	var it FaultItem
	if s == "" {
		return it, fmt.Errorf("empty item (remove the extra comma)")
	}
	if ep, rest, ok := strings.Cut(s, ":"); ok {
		ep = strings.ToLower(strings.TrimSpace(ep))
		if !knownEndpoint(ep) {
			return it, fmt.Errorf("unknown endpoint %q (valid: %s)", ep, strings.Join(endpoints, ", "))
		}
		it.Endpoint = ep
		s = strings.TrimSpace(rest)
	}
	kind, count, prob := s, "", ""
	if k, n, ok := strings.Cut(s, "*"); ok {
		kind, count = k, n
	} else if k, pr, ok := strings.Cut(s, "@"); ok {
		kind, prob = k, pr
	}
	kind = strings.ToLower(strings.TrimSpace(kind))
	it.Kind = FaultKind(kind)
	if !knownKind(it.Kind) {
		return it, fmt.Errorf("unknown fault kind %q (valid kinds: %s)", kind, kindList())
	}
	it.Count = 1
	switch {
	case count != "":
		n, err := strconv.Atoi(strings.TrimSpace(count))
		if err != nil || n < 1 {
			return it, fmt.Errorf("the count after * must be a whole number of at least 1, not %q", count)
		}
		it.Count = n
	case prob != "":
		p, err := strconv.ParseFloat(strings.TrimSpace(prob), 64)
		if err != nil || !(p > 0 && p <= 1) {
			return it, fmt.Errorf("the probability after @ must be a number greater than 0 and at most 1 (e.g. 0.2), not %q", prob)
		}
		it.Count, it.P = 0, p
	}
	return it, nil
}

func knownEndpoint(ep string) bool {
	for _, e := range endpoints {
		if e == ep {
			return true
		}
	}
	return false
}

func knownKind(k FaultKind) bool {
	for _, v := range faultKinds {
		if v == k {
			return true
		}
	}
	return false
}

func kindList() string {
	s := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Items returns the plan's items as parsed (not their remaining counts).
func (p *FaultPlan) Items() []FaultItem {
	return append([]FaultItem(nil), p.items...)
}

// Empty reports whether the plan injects nothing.
func (p *FaultPlan) Empty() bool { return p == nil || len(p.items) == 0 }

// String is the plan in the --faults syntax, normalized.
func (p *FaultPlan) String() string {
	if p == nil {
		return ""
	}
	s := make([]string, len(p.items))
	for i, it := range p.items {
		s[i] = it.String()
	}
	return strings.Join(s, ",")
}

// Describe says in words what the plan will do, one line per item.
func (p *FaultPlan) Describe() []string {
	if p == nil {
		return nil
	}
	s := make([]string, len(p.items))
	for i, it := range p.items {
		s[i] = it.describe()
	}
	return s
}

// seed restarts the plan's random numbers from seed.
func (p *FaultPlan) seed(seed int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rng = rand.New(rand.NewPCG(uint64(seed), 0x6b697661636f6e76)) // "kivaconv"
}

// next returns the fault for a request to endpoint, consuming it, or false
// when the request is to be served normally.
func (p *FaultPlan) next(endpoint string) (FaultKind, bool) {
	if p.Empty() {
		return "", false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, it := range p.items {
		if it.P == 0 && p.left[i] > 0 && it.matches(endpoint) {
			p.left[i]--
			return it.Kind, true
		}
	}
	for _, it := range p.items {
		if it.P > 0 && it.matches(endpoint) && p.rng.Float64() < it.P {
			return it.Kind, true
		}
	}
	return "", false
}
