package annotate

import (
	"strings"
	"testing"
)

// TestWithoutNotes: comment shapes go, other shapes stay, with ids
// excelize reads.
func TestWithoutNotes(t *testing.T) {
	vml := `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel">` +
		`<v:shapetype id="_x0000_t201"/>` +
		`<v:shape id="shape_0" type="#_x0000_t201"><x:ClientData ObjectType="Button"><x:Anchor>1, 0, 1, 0, 2, 0, 2, 0</x:Anchor></x:ClientData></v:shape>` +
		`<v:shape id="_x0000_s1026" type="#_x0000_t202"><x:ClientData ObjectType="Note"><x:Row>1</x:Row><x:Column>0</x:Column></x:ClientData></v:shape>` +
		`<v:shape id="_x0000_s1027" type="#_x0000_t201"/><v:shape type="#_x0000_t201"/></xml>`
	got := string(withoutNotes([]byte(vml)))
	if strings.Contains(got, "Note") || strings.Contains(got, "shape_0") {
		t.Errorf("withoutNotes: %s", got)
	}
	for _, s := range []string{`<v:shapetype id="_x0000_t201"/>`, `ObjectType="Button"`, `<v:shape id="_x0000_s1048577" type="#_x0000_t201">`, `<v:shape id="_x0000_s1027" type="#_x0000_t201"/>`, `<v:shape id="_x0000_s1048578" type="#_x0000_t201"/>`} {
		if !strings.Contains(got, s) {
			t.Errorf("withoutNotes lost %s: %s", s, got)
		}
	}
}
