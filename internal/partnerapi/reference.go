package partnerapi

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kiva-partners/kivaconv/kiva"
)

// ConfigList reads one config list (GET …/config/{name}); name is one of
// ConfigLists. The answer is decoded with kiva.DecodeReference, so the
// result holds that list (and AsOf when the answer gives it). Transient
// failures are retried a few times.
func (c *Client) ConfigList(ctx context.Context, name string) (*kiva.Reference, error) {
	if !slices.Contains(ConfigLists, name) {
		return nil, fmt.Errorf("config list %q: give one of %s", name, strings.Join(ConfigLists, ", "))
	}
	kind := "config/" + name
	r, err := c.get(ctx, kind, nil)
	if err != nil {
		return nil, err
	}
	ref, err := kiva.DecodeReference(bytes.NewReader(r.Body))
	if err != nil {
		return nil, c.unreadable(kind, nil, r, "a "+name+" list", err)
	}
	return ref, nil
}

// Reference reads the four config lists and merges them into one
// kiva.Reference; AsOf is the latest as_of_date_time of the answers.
func (c *Client) Reference(ctx context.Context) (*kiva.Reference, error) {
	out := &kiva.Reference{}
	for _, name := range ConfigLists {
		ref, err := c.ConfigList(ctx, name)
		if err != nil {
			return nil, err
		}
		switch name {
		case "activities":
			out.Activities = ref.Activities
		case "locales":
			out.Locales = ref.Locales
		case "themes":
			out.Themes = ref.Themes
		case "locations":
			out.Locations = ref.Locations
		}
		if laterAsOf(ref.AsOf, out.AsOf) {
			out.AsOf = ref.AsOf
		}
	}
	return out, nil
}

// laterAsOf reports whether as_of_date_time a is later than b. Times are
// compared as RFC 3339 when both parse, else as text.
func laterAsOf(a, b string) bool {
	if a == "" {
		return false
	}
	if b == "" {
		return true
	}
	ta, ea := parseAsOf(a)
	tb, eb := parseAsOf(b)
	if ea == nil && eb == nil {
		return ta.After(tb)
	}
	return a > b
}

func parseAsOf(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}
