package mappings

import (
	"errors"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/values"
	"go.yaml.in/yaml/v3"
)

// dateFormats reads a list of text date formats (locale.date_formats or a
// field's formats). Each is checked by values.ParseDateFormat, so that a
// mapping loads with exactly the formats the converter can read; its
// message, placed at the item, says what is wrong. Formats are kept
// trimmed, with their tokens in upper case ("dd/mm/yyyy" is kept as
// "DD/MM/YYYY").
//
// Two formats that read one text as two different dates (DD/MM/YYYY and
// MM/DD/YYYY) are not rejected here: values.Date reports such a cell as an
// ambiguous date, naming both readings.
func (p *parser) dateFormats(n *yaml.Node, what string) []string {
	texts, nodes, _ := p.textList(n, what, false)
	var out []string
	for i, s := range texts {
		f, err := values.ParseDateFormat(s)
		if err != nil {
			p.errorf(nodes[i], "%s", valuesMessage(err))
			continue
		}
		out = append(out, upperTokens(f.String()))
	}
	return out
}

// upperTokens writes the date tokens of a valid format in upper case. In a
// format values.ParseDateFormat accepts, every ASCII letter is part of a
// token (Y, M or D, read in either case); other letters are literals and
// stay as written.
func upperTokens(f string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'y', 'm', 'd':
			return r - 'a' + 'A'
		}
		return r
	}, f)
}

// valuesMessage is the message of an error from package values, with its
// hint when it has one.
func valuesMessage(err error) string {
	var ve *values.Error
	if errors.As(err, &ve) && ve.Hint != "" {
		return ve.Msg + "; " + ve.Hint
	}
	return err.Error()
}
